#!/usr/bin/env bash
# Entry point of the local mariadb:10.11 stand-in (see Dockerfile). The accounts are made by an
# --init-file on the one and only start, which MariaDB runs before it accepts connections.
set -euo pipefail

# The base image is a debootstrap tree imported whole, its root directory kept mode 0700:
# the server's own user could not reach anything below it.
[ "$(id -u)" != 0 ] || chmod 755 /

if [ "${1:0:1}" = '-' ]; then
  set -- mariadbd "$@"
fi
if [ "$1" != 'mariadbd' ] && [ "$1" != 'mysqld' ]; then
  exec "$@"
fi
shift

datadir=/var/lib/mysql
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld
args=(--user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 --skip-name-resolve)

# A marker, not the mysql folder: the base image's package scripts may have made a data
# folder already, with accounts this image knows nothing about.
if [ ! -e "$datadir/.initialised-by-entrypoint" ]; then
  find "$datadir" -mindepth 1 -delete
  root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  if [ -z "$root_password" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ] \
    && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ]; then
    echo "set MARIADB_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD" >&2
    exit 1
  fi
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  # SQL string literals: double any single quote.
  q() { printf "'%s'" "${1//\'/\'\'}"; }
  init=/run/mysqld/init.sql
  {
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(q "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(q "$root_password");"
    db=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
    user=${MARIADB_USER:-${MYSQL_USER:-}}
    password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
    if [ -n "$db" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$db\`;"
    fi
    if [ -n "$user" ]; then
      echo "CREATE USER $(q "$user")@'%' IDENTIFIED BY $(q "$password");"
      [ -z "$db" ] || echo "GRANT ALL ON \`$db\`.* TO $(q "$user")@'%';"
    fi
  } >"$init"
  chown mysql:mysql "$init"
  args+=(--init-file="$init")
  touch "$datadir/.initialised-by-entrypoint"
fi

exec mariadbd "${args[@]}" "$@"
