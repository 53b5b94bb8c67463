#!/usr/bin/env bash
# TLS database servers for the TLS tests, next to (never instead of) the main test servers:
#
#   - a test CA, a server certificate it signs for "localhost" only (so verify-full succeeds
#     through "localhost" and fails through "127.0.0.1"), and a second CA that signed nothing;
#   - PostgreSQL cluster "tls" on 127.0.0.1/localhost:5433 with ssl=on, TLS-only logins;
#   - a second MariaDB server on 127.0.0.1:3307 (own datadir and socket) with TLS, TLS-only user.
#
# Prints the variables the tests read (source its output, or eval it). Idempotent: a rerun reuses
# the certificates and servers and only starts what is down. Needs root (as .ci/run runs).
set -euo pipefail
# Only the variables go to stdout (the caller evals it): every tool's chatter goes to stderr,
# e.g. pg_ctlcluster's "Removed stale pid file." after a machine restart.
# The servers started below get it closed (without_inherited_fds): a command substitution waits
# for every writer to close it, so a server holding it would hang the caller forever.
exec 3>&1 1>&2
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=${SOCKMAPD_TEST_TLS_DIR:-/var/lib/sockmapd-test-tls}
pg_version=$(ls /etc/postgresql | sort -n | tail -n1)
pg_port=5433
my_port=3307
my_data=$dir/mariadb
my_socket=$my_data/mariadb.sock
log() { printf '== %s\n' "$*" >&2; }
# The password role the tests log in with, in the PostgreSQL server on port $1.
pg_test_role() {
  runuser -u postgres -- psql -q -p "$1" -v ON_ERROR_STOP=1 -d postgres <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sockmapd_test') THEN
    CREATE ROLE sockmapd_test LOGIN PASSWORD 'sockmapd_test';
  END IF;
END $$;
SQL
}

mkdir -p "$dir"
chmod 755 "$dir"

# Certificates: RSA keys, 10 years, so a long-lived CI image never sees them expire.
if [ ! -s "$dir/server.pem" ]; then
  log "creating test CA and server certificate in $dir"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=sockmapd test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=sockmapd other CA" \
      -keyout other-ca.key -out other-ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.pem 2>/dev/null
    rm -f server.csr server.ext
    chmod 644 ca.pem other-ca.pem server.pem
    chmod 600 ca.key other-ca.key server.key
  )
fi

# PostgreSQL: its own cluster; the server key must belong to postgres and be private.
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_version tls"; then
  log "creating PostgreSQL cluster $pg_version/tls on port $pg_port"
  pg_createcluster "$pg_version" tls --port "$pg_port" >/dev/null
fi
pg_conf=/etc/postgresql/$pg_version/tls
pg_data=$(pg_lsclusters -h | awk -v v="$pg_version" '$1==v && $2=="tls" {print $6}')
install -o postgres -g postgres -m 600 "$dir/server.key" "$pg_data/sockmapd-server.key"
install -o postgres -g postgres -m 644 "$dir/server.pem" "$pg_data/sockmapd-server.pem"
cat >"$pg_conf/conf.d/sockmapd-tls.conf" <<EOF
listen_addresses = 'localhost'
ssl = on
ssl_cert_file = '$pg_data/sockmapd-server.pem'
ssl_key_file = '$pg_data/sockmapd-server.key'
shared_buffers = 16MB
EOF
# Password logins over TLS only: a plain-text login is refused, so a test that gets an answer
# proves the connection was encrypted.
cat >"$pg_conf/pg_hba.conf" <<'EOF'
local   all  postgres                 peer
hostssl all  all       127.0.0.1/32   scram-sha-256
hostssl all  all       ::1/128        scram-sha-256
EOF
chown postgres:postgres "$pg_conf/pg_hba.conf" "$pg_conf/conf.d/sockmapd-tls.conf"
if pg_ctlcluster "$pg_version" tls status >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" tls reload
else
  log "starting PostgreSQL $pg_version/tls"
  without_inherited_fds pg_ctlcluster --skip-systemctl-redirect "$pg_version" tls start
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_port" && break; sleep 1; done
pg_test_role "$pg_port"

# A PostgreSQL server without TLS, for the "server speaks no TLS" test: the main cluster,
# unless Debian turned ssl on there (it does when the snakeoil certificate exists); then a
# cluster "plain" of our own with ssl off.
pg_plain_port=5432
if [ "$(runuser -u postgres -- psql -qAt -p 5432 -d postgres -c 'SHOW ssl')" = on ]; then
  pg_plain_port=5434
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_version plain"; then
    log "creating PostgreSQL cluster $pg_version/plain on port $pg_plain_port (ssl off)"
    pg_createcluster "$pg_version" plain --port "$pg_plain_port" >/dev/null
  fi
  printf "ssl = off\nshared_buffers = 16MB\n" >"/etc/postgresql/$pg_version/plain/conf.d/sockmapd-plain.conf"
  if ! pg_ctlcluster "$pg_version" plain status >/dev/null 2>&1; then
    without_inherited_fds pg_ctlcluster --skip-systemctl-redirect "$pg_version" plain start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$pg_plain_port" && break; sleep 1; done
  pg_test_role "$pg_plain_port"
fi
if [ "$(mariadb -uroot -NBe "SHOW VARIABLES LIKE 'have_ssl'" | cut -f2)" = YES ]; then
  log "WARNING: the main MariaDB server has TLS; the 'server without TLS' test will fail"
fi

# MariaDB: a second server with its own data folder, port and socket.
if [ ! -d "$my_data/mysql" ]; then
  log "initialising MariaDB data folder $my_data"
  mkdir -p "$my_data"
  chown mysql:mysql "$my_data"
  mariadb-install-db --no-defaults --user=mysql --datadir="$my_data" \
    --auth-root-authentication-method=socket >/dev/null
fi
install -o mysql -g mysql -m 600 "$dir/server.key" "$my_data/sockmapd-server.key"
install -o mysql -g mysql -m 644 "$dir/server.pem" "$my_data/sockmapd-server.pem"
if ! mariadb-admin --no-defaults -uroot --socket="$my_socket" ping --silent >/dev/null 2>&1; then
  log "starting MariaDB with TLS on port $my_port"
  without_inherited_fds start-stop-daemon --start --oknodo --background --pidfile "$my_data/mariadb.pid" \
    --exec /usr/sbin/mariadbd -- --no-defaults --user=mysql --datadir="$my_data" \
    --port="$my_port" --bind-address=127.0.0.1 --socket="$my_socket" \
    --pid-file="$my_data/mariadb.pid" \
    --innodb-buffer-pool-size=16M --performance-schema=off \
    --ssl-cert="$my_data/sockmapd-server.pem" --ssl-key="$my_data/sockmapd-server.key" \
    --log-error="$my_data/mariadb.err"
  for _ in $(seq 1 30); do
    mariadb-admin --no-defaults -uroot --socket="$my_socket" ping --silent >/dev/null 2>&1 && break
    sleep 1
  done
fi
mariadb --no-defaults -uroot --socket="$my_socket" <<'SQL'
CREATE USER IF NOT EXISTS 'sockmapd_test'@'127.0.0.1' IDENTIFIED BY 'sockmapd_test' REQUIRE SSL;
CREATE USER IF NOT EXISTS 'sockmapd_test'@'localhost' IDENTIFIED BY 'sockmapd_test' REQUIRE SSL;
GRANT ALL PRIVILEGES ON *.* TO 'sockmapd_test'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'sockmapd_test'@'localhost';
CREATE DATABASE IF NOT EXISTS test;
SQL

cat >&3 <<EOF
export SOCKMAPD_TEST_TLS_DIR=$dir
export SOCKMAPD_TEST_PG_TLS_URI=postgresql://sockmapd_test:sockmapd_test@localhost:$pg_port/postgres
export SOCKMAPD_TEST_PG_PLAIN_URI=postgresql://sockmapd_test:sockmapd_test@127.0.0.1:$pg_plain_port/postgres
export SOCKMAPD_TEST_MYSQL_TLS_URI=mysql://sockmapd_test:sockmapd_test@localhost:$my_port/test
EOF
