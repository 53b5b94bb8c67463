-- A second domain, without a catch-all: its unknown recipients are rejected (550), where
-- example.com's catch-all alias accepts every address.
INSERT INTO domain (domain, active) VALUES ('example.net', TRUE);
INSERT INTO mailbox (username, maildir, local_part, domain, active) VALUES
  ('bob@example.net', 'example.net/bob/', 'bob', 'example.net', TRUE);
