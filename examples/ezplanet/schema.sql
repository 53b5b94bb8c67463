-- Tables for examples/ezplanet/config.json (MariaDB / MySQL).
--   mysql -u root < schema.sql
CREATE DATABASE IF NOT EXISTS sockmapd_example CHARACTER SET utf8mb4;
USE sockmapd_example;

-- "blacklist": an access(5) table. The answer is status, plus " " and reason when reason is
-- neither NULL nor empty: "OK REJECT Sender identified as spammer".
CREATE TABLE IF NOT EXISTS blackwhite (
  name   VARCHAR(255) NOT NULL PRIMARY KEY,
  status VARCHAR(32)  NOT NULL,
  reason VARCHAR(255) NULL
);

-- "recipient": a presence check. Without "value" the answer is the key column itself:
-- "OK someone@example.org".
CREATE TABLE IF NOT EXISTS aliases (
  alias VARCHAR(255) NOT NULL PRIMARY KEY
);

INSERT IGNORE INTO blackwhite (name, status, reason) VALUES
  ('spammer@example.net', 'REJECT', 'Sender identified as spammer'),
  ('partner.example.com', 'OK', NULL),
  ('bulk.example.net', 'DISCARD', '');

INSERT IGNORE INTO aliases (alias) VALUES
  ('postmaster@example.org'),
  ('someone@example.org');

-- A read-only login for sockmapd (the password matches config.json; change both).
CREATE USER IF NOT EXISTS 'sockmapd'@'127.0.0.1' IDENTIFIED BY 'change-me';
GRANT SELECT ON sockmapd_example.* TO 'sockmapd'@'127.0.0.1';
