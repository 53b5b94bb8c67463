-- Seed for the quick start: run once by sockmapd when data/quickstart.db does not exist yet.
CREATE TABLE virtual_domain (domain TEXT PRIMARY KEY);
INSERT INTO virtual_domain (domain) VALUES ('example.com'), ('example.net');

CREATE TABLE virtual_alias (alias TEXT NOT NULL, destination TEXT NOT NULL);
CREATE INDEX virtual_alias_alias ON virtual_alias (alias);
INSERT INTO virtual_alias (alias, destination) VALUES
  ('postmaster@example.com', 'admin@example.net'),
  ('info@example.com', 'alice@example.net'),
  ('info@example.com', 'bob@example.net'),
  ('alice@example.com', 'alice@example.net'),
  ('@example.net', 'catchall@example.net');
