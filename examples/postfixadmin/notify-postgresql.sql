-- Keeps sockmapd's caches true: every change to PostfixAdmin's domain, mailbox and alias tables
-- is announced to the sockmapd daemons that cache them, which drop the changed key at once.
-- Goes with the maps of sockmapd.json when their cache has "listen": true. PostgreSQL 11 or
-- later; run it once, as the owner of the tables.
--
-- The channel is the map's cache.channel: by default "sockmapd_" and the map name. pg_notify()
-- takes it as the exact string (case and all), unlike the NOTIFY statement, which folds an
-- unquoted name to lower case.
--
-- The payload is the row's key as the map's query compares it (the column of its WHERE): sockmapd
-- folds it as the map folds keys, and drops every cached key whose forms (fallback keys included)
-- lead to it. An empty payload, or "*", drops the map's whole cache.

-- One notification per changed key: on UPDATE the old key and the new one (an address may be
-- renamed), each once. TG_ARGV[0] is the channel, TG_ARGV[1] the key column.
CREATE OR REPLACE FUNCTION sockmapd_notify_key() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_key text;
  new_key text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    old_key := to_jsonb(OLD) ->> TG_ARGV[1];
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    new_key := to_jsonb(NEW) ->> TG_ARGV[1];
  END IF;
  -- A payload must stay under 8000 bytes or the change itself fails: a longer key drops the
  -- whole map instead.
  IF octet_length(old_key) >= 8000 OR octet_length(new_key) >= 8000 THEN
    PERFORM pg_notify(TG_ARGV[0], '*');
    RETURN NULL;
  END IF;
  IF old_key IS NOT NULL THEN
    PERFORM pg_notify(TG_ARGV[0], old_key);
  END IF;
  IF new_key IS NOT NULL AND new_key IS DISTINCT FROM old_key THEN
    PERFORM pg_notify(TG_ARGV[0], new_key);
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE has no rows to name: the whole map goes. TG_ARGV[0] is the channel.
CREATE OR REPLACE FUNCTION sockmapd_notify_all() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '*');
  RETURN NULL;
END
$$;

-- virtual_alias_maps: SELECT goto FROM alias WHERE address = '%s' ...
CREATE TRIGGER alias_sockmapd_notify AFTER INSERT OR UPDATE OR DELETE ON alias
  FOR EACH ROW EXECUTE FUNCTION sockmapd_notify_key('sockmapd_virtual_alias_maps', 'address');
CREATE TRIGGER alias_sockmapd_truncate AFTER TRUNCATE ON alias
  FOR EACH STATEMENT EXECUTE FUNCTION sockmapd_notify_all('sockmapd_virtual_alias_maps');

-- virtual_mailbox_maps: SELECT maildir FROM mailbox WHERE username = '%s' ...
CREATE TRIGGER mailbox_sockmapd_notify AFTER INSERT OR UPDATE OR DELETE ON mailbox
  FOR EACH ROW EXECUTE FUNCTION sockmapd_notify_key('sockmapd_virtual_mailbox_maps', 'username');
CREATE TRIGGER mailbox_sockmapd_truncate AFTER TRUNCATE ON mailbox
  FOR EACH STATEMENT EXECUTE FUNCTION sockmapd_notify_all('sockmapd_virtual_mailbox_maps');

-- virtual_mailbox_domains: SELECT domain FROM domain WHERE domain = '%s' ...
CREATE TRIGGER domain_sockmapd_notify AFTER INSERT OR UPDATE OR DELETE ON domain
  FOR EACH ROW EXECUTE FUNCTION sockmapd_notify_key('sockmapd_virtual_mailbox_domains', 'domain');
CREATE TRIGGER domain_sockmapd_truncate AFTER TRUNCATE ON domain
  FOR EACH STATEMENT EXECUTE FUNCTION sockmapd_notify_all('sockmapd_virtual_mailbox_domains');
