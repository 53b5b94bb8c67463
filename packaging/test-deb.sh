#!/usr/bin/env bash
# Installs the Debian package, runs the daemon through /usr/bin/sockmapd as the sockmapd user on
# the packaged example config (SQLite), answers `postmap -q` lookups through it, stops it, purges
# the package and checks that nothing of it is left. Called by .ci/run; needs root and postmap.
#
# Build the package first:  mvn -B -Pdeb package -DskipTests
# Idempotent: an installed sockmapd package (from an earlier run) is purged first. So do not run
# it on a machine whose real sockmapd installation you want to keep.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== test-deb: %s\n' "$*"; }
fail() {
  printf '== test-deb: FAILED: %s\n' "$*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
command -v postmap >/dev/null || fail "needs postmap (apt-get install postfix)"
shopt -s nullglob
debs=(server/target/sockmapd_*_all.deb)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] ||
  fail "expected one server/target/sockmapd_*_all.deb, found ${#debs[@]}; build: mvn -B -Pdeb package -DskipTests"
deb=${debs[0]}

# Everything the package or its scripts create; none of it may survive a purge.
owned_paths=(
  /usr/bin/sockmapd
  /usr/share/sockmapd
  /etc/sockmapd
  /var/lib/sockmapd
  /lib/systemd/system/sockmapd.service
  /lib/systemd/system/sockmapd.socket
  /usr/share/man/man8/sockmapd.8
  /usr/share/man/man5/sockmapd.json.5
  /usr/share/doc/sockmapd
)

work=$(mktemp -d)
pidfile=$work/sockmapd.pid
cleanup() {
  status=$?
  if [ -f "$pidfile" ]; then
    start-stop-daemon --stop --quiet --pidfile "$pidfile" --retry TERM/30/KILL/5 || true
  fi
  if [ $status -ne 0 ]; then
    [ -f "$work/sockmapd.log" ] && { echo "-- daemon log:"; cat "$work/sockmapd.log"; } >&2
    dpkg --purge sockmapd >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

if dpkg-query -W sockmapd >/dev/null 2>&1; then
  log "purging a sockmapd package left by an earlier run"
  dpkg --purge sockmapd >/dev/null
fi

log "contents of $deb"
contents=$(dpkg-deb -c "$deb")
for path in /usr/bin/sockmapd /usr/share/sockmapd/sockmapd.jar /etc/sockmapd/sockmapd.json \
  /lib/systemd/system/sockmapd.service /lib/systemd/system/sockmapd.socket \
  /usr/share/man/man8/sockmapd.8 \
  /usr/share/man/man5/sockmapd.json.5; do
  grep -q " \.$path\$" <<<"$contents" || fail "$path is not in the package"
done

log "installing"
dpkg -i "$deb" >/dev/null
id sockmapd >/dev/null || fail "postinst did not create the sockmapd user"
dpkg-query -W -f='${Conffiles}\n' sockmapd | grep -q '^ /etc/sockmapd/sockmapd.json ' ||
  fail "/etc/sockmapd/sockmapd.json is not a conffile"
[ "$(stat -c '%U:%G %a' /etc/sockmapd/sockmapd.json)" = "root:sockmapd 640" ] ||
  fail "config ownership/mode: $(stat -c '%U:%G %a' /etc/sockmapd/sockmapd.json)"
[ "$(stat -c '%U' /var/lib/sockmapd)" = sockmapd ] || fail "/var/lib/sockmapd is not the daemon's"

if command -v systemd-analyze >/dev/null; then
  # Also checks that ExecStart's /usr/bin/sockmapd exists.
  systemd-analyze verify /lib/systemd/system/sockmapd.service /lib/systemd/system/sockmapd.socket ||
    fail "systemd-analyze verify rejects the unit"
fi

version=$(/usr/bin/sockmapd --version)
[[ $version =~ ^sockmapd\ [0-9] ]] || fail "sockmapd --version printed '$version'"
log "$version"
# JAVA_OPTS reaches the JVM (and replaces the defaults): a heap this small cannot start.
if JAVA_OPTS=-Xmx1m /usr/bin/sockmapd --version >/dev/null 2>&1; then
  fail "JAVA_OPTS was not passed to the JVM"
fi

# The packaged example as is, except that it listens on a unix socket of its own: a fixed TCP
# port may be taken on a CI machine.
install -d -o sockmapd -g sockmapd -m 0750 "$work/run"
socket=$work/run/sockmapd.sock
sed "s|\"inet:127.0.0.1:8732\"|\"unix:$socket\"|" /etc/sockmapd/sockmapd.json >"$work/sockmapd.json"
grep -q "unix:$socket" "$work/sockmapd.json" || fail "could not point the example config at $socket"
chgrp sockmapd "$work/sockmapd.json" && chmod 0640 "$work/sockmapd.json"
chmod 0755 "$work"

runuser -u sockmapd -- /usr/bin/sockmapd check --config "$work/sockmapd.json" >/dev/null ||
  fail "sockmapd check rejects the example config"

log "starting the daemon as the sockmapd user"
start-stop-daemon --start --background --make-pidfile --pidfile "$pidfile" --chuid sockmapd \
  --output "$work/sockmapd.log" --exec /usr/bin/sockmapd -- run --config "$work/sockmapd.json"
pid=$(cat "$pidfile")
for _ in $(seq 1 120); do
  [ -S "$socket" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the daemon exited at start"
  sleep 0.5
done
[ -S "$socket" ] || fail "no socket at $socket after 60 s"
[ "$(ps -o user= -p "$pid")" = sockmapd ] || fail "the daemon does not run as sockmapd"

log "postmap lookups through socketmap:unix:$socket"
# postmap reads main.cf; CI installs Postfix without one ("No configuration"), so bring our own.
mkdir "$work/postfix"
echo 'compatibility_level = 3.6' >"$work/postfix/main.cf"
lookup() { postmap -c "$work/postfix" -q "$2" "socketmap:unix:$socket:$1"; }
answer=$(lookup virtual info@example.com)
[ "$answer" = "alice@example.net,bob@example.net" ] || fail "virtual info@example.com: '$answer'"
answer=$(lookup domains example.com)
[ "$answer" = OK ] || fail "domains example.com: '$answer'"
if lookup virtual nobody@example.org; then
  fail "virtual nobody@example.org was found"
fi

log "stopping"
start-stop-daemon --stop --quiet --pidfile "$pidfile" --retry TERM/45/KILL/5 ||
  fail "the daemon did not stop"
rm -f "$pidfile"
[ ! -e "$socket" ] || fail "the daemon left its socket behind"
[ -f /var/lib/sockmapd/quickstart.db ] || fail "the example database is not in /var/lib/sockmapd"

log "purging"
dpkg --purge sockmapd >/dev/null
! dpkg-query -W sockmapd >/dev/null 2>&1 || fail "sockmapd is still known to dpkg"
for path in "${owned_paths[@]}"; do
  [ ! -e "$path" ] || fail "$path is left after the purge"
done
log "OK"
