-- The PostfixAdmin tables sockmapd's example queries use (a subset of PostfixAdmin's schema,
-- with its column names: domain, mailbox, alias, alias_domain).
CREATE TABLE domain (
  domain VARCHAR(255) NOT NULL PRIMARY KEY,
  description VARCHAR(255) NOT NULL DEFAULT '',
  active TINYINT(1) NOT NULL DEFAULT 1
) DEFAULT CHARSET = utf8mb4;
CREATE TABLE mailbox (
  username VARCHAR(255) NOT NULL PRIMARY KEY,
  password VARCHAR(255) NOT NULL DEFAULT '',
  name VARCHAR(255) NOT NULL DEFAULT '',
  maildir VARCHAR(255) NOT NULL,
  local_part VARCHAR(255) NOT NULL,
  domain VARCHAR(255) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  KEY domain (domain)
) DEFAULT CHARSET = utf8mb4;
CREATE TABLE alias (
  address VARCHAR(255) NOT NULL PRIMARY KEY,
  goto TEXT NOT NULL,
  domain VARCHAR(255) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  KEY domain (domain)
) DEFAULT CHARSET = utf8mb4;
CREATE TABLE alias_domain (
  alias_domain VARCHAR(255) NOT NULL PRIMARY KEY,
  target_domain VARCHAR(255) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  KEY target_domain (target_domain)
) DEFAULT CHARSET = utf8mb4;
