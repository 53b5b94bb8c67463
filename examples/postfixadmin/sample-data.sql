-- Sample rows for trying the example (and for sockmapd's tests); portable SQL.
INSERT INTO domain (domain, active) VALUES ('example.com', TRUE), ('old.example', FALSE);
INSERT INTO mailbox (username, maildir, local_part, domain, active) VALUES
  ('alice@example.com', 'example.com/alice/', 'alice', 'example.com', TRUE),
  ('gone@example.com', 'example.com/gone/', 'gone', 'example.com', FALSE);
INSERT INTO alias (address, goto, domain, active) VALUES
  ('alice@example.com', 'alice@example.com', 'example.com', TRUE),
  ('sales@example.com', 'alice@example.com,bob@example.org', 'example.com', TRUE),
  ('gone@example.com', 'gone@example.com', 'example.com', FALSE),
  ('@example.com', 'catchall@example.com', 'example.com', TRUE);
