-- A PostfixAdmin-like schema for the sample .cf files (PostgreSQL, MariaDB/MySQL, SQLite).
--   createdb postfix_example && psql postfix_example < schema.sql
--   mysql -e 'CREATE DATABASE postfix_example' && mysql postfix_example < schema.sql
--   sqlite3 /var/lib/postfix-example/postfix.sqlite < schema.sql
-- active is 1/0 (an integer) so the same queries run on all three engines.

CREATE TABLE domain (
  domain VARCHAR(255) NOT NULL PRIMARY KEY,
  active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE mailbox (
  username VARCHAR(255) NOT NULL PRIMARY KEY,
  maildir  VARCHAR(255) NOT NULL,
  domain   VARCHAR(255) NOT NULL,
  active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE alias (
  address VARCHAR(255) NOT NULL PRIMARY KEY,
  goto    TEXT NOT NULL,
  domain  VARCHAR(255) NOT NULL,
  active  INTEGER NOT NULL DEFAULT 1
);

INSERT INTO domain (domain, active) VALUES
  ('example.com', 1),
  ('example.net', 1),
  ('retired.example', 0);

INSERT INTO mailbox (username, maildir, domain, active) VALUES
  ('alice@example.com', 'example.com/alice/', 'example.com', 1),
  ('bob@example.com', 'example.com/bob/', 'example.com', 1),
  ('carol@example.net', 'example.net/carol/', 'example.net', 0);

INSERT INTO alias (address, goto, domain, active) VALUES
  ('alice@example.com', 'alice@example.com', 'example.com', 1),
  ('bob@example.com', 'bob@example.com', 'example.com', 1),
  ('postmaster@example.com', 'alice@example.com', 'example.com', 1),
  ('sales@example.com', 'alice@example.com,bob@example.com', 'example.com', 1),
  ('old@example.com', 'bob@example.com', 'example.com', 0),
  ('@example.net', 'alice@example.com', 'example.net', 1);
