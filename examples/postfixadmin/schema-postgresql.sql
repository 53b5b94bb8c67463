-- The PostfixAdmin tables sockmapd's example queries use (a subset of PostfixAdmin's schema,
-- with its column names: domain, mailbox, alias, alias_domain).
CREATE TABLE domain (
  domain VARCHAR(255) PRIMARY KEY,
  description VARCHAR(255) NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE mailbox (
  username VARCHAR(255) PRIMARY KEY,
  password VARCHAR(255) NOT NULL DEFAULT '',
  name VARCHAR(255) NOT NULL DEFAULT '',
  maildir VARCHAR(255) NOT NULL,
  local_part VARCHAR(255) NOT NULL,
  domain VARCHAR(255) NOT NULL REFERENCES domain (domain),
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE TABLE alias (
  address VARCHAR(255) PRIMARY KEY,
  goto TEXT NOT NULL,
  domain VARCHAR(255) NOT NULL REFERENCES domain (domain),
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX alias_domain_idx ON alias (domain);
CREATE INDEX mailbox_domain_idx ON mailbox (domain);
CREATE TABLE alias_domain (
  alias_domain VARCHAR(255) PRIMARY KEY REFERENCES domain (domain),
  target_domain VARCHAR(255) NOT NULL REFERENCES domain (domain),
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX alias_domain_target_idx ON alias_domain (target_domain);
