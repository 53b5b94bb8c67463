#!/bin/bash
# PostgreSQL for the compose example. On the first start (empty data volume): a cluster, the
# database `postfixadmin` with the tables and rows of /compose/initdb/*.sql, and the role
# `postfix` that sockmapd logs in as, allowed to read and nothing else. Then the server runs in
# the foreground as PID 1.
set -euo pipefail
bin=$(echo /usr/lib/postgresql/*/bin)
data=/var/lib/postgresql/data
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

if [ ! -s "$data/PG_VERSION" ]; then
  : "${POSTFIXADMIN_DB_PASSWORD:?set POSTFIXADMIN_DB_PASSWORD}"
  install -d -o postgres -g postgres -m 0700 "$data"
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  echo "listen_addresses = '*'" >>"$data/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$data/pg_hba.conf"
  # Loaded over the unix socket only, so nothing reaches a half-made database.
  as_postgres "$bin/pg_ctl" -D "$data" -o "-c listen_addresses=''" -w start >/dev/null
  as_postgres "$bin/psql" -q -v ON_ERROR_STOP=1 -U postgres -d postgres \
    -v password="$POSTFIXADMIN_DB_PASSWORD" <<'SQL'
CREATE ROLE postfix LOGIN PASSWORD :'password';
CREATE DATABASE postfixadmin;
SQL
  for script in /compose/initdb/*.sql; do
    as_postgres "$bin/psql" -q -v ON_ERROR_STOP=1 -U postgres -d postfixadmin -f "$script"
  done
  as_postgres "$bin/psql" -q -v ON_ERROR_STOP=1 -U postgres -d postfixadmin \
    -c 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO postfix'
  as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  echo "postgres: database postfixadmin created"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$data"
