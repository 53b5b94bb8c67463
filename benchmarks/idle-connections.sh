#!/usr/bin/env bash
# Memory held by idle client connections: starts sockmapd from the fat jar on the embedded default
# (a temp copy of examples/quickstart.json) with a small heap, opens N idle TCP connections,
# sends one lookup on a sample of them to show they are served, and prints the daemon's RSS
# before and with the connections.
#
#   benchmarks/idle-connections.sh            # 10000 connections, the launcher's JVM options
#   CONNECTIONS=5000 JAVA_OPTS="-Xmx64m" benchmarks/idle-connections.sh
#   SETTLE_SECONDS=1 benchmarks/idle-connections.sh   # read RSS 1 s after start (default 12 s)
#
# Targets, with the launcher's options: at most 96 MB RSS idle, 160 MB with 10,000 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

CONNECTIONS=${CONNECTIONS:-10000}
JAVA_OPTS=${JAVA_OPTS:-$(bench_default_java_opts)}
IDLE_LIMIT_MB=${IDLE_LIMIT_MB:-96}
LIMIT_MB=${LIMIT_MB:-160}
# RSS is read after this long without lookups, as it stays in service: the JVM gives the C
# library's spare memory back every 5 s with the launcher's options (TrimNativeHeapInterval).
SETTLE_SECONDS=${SETTLE_SECONDS:-12}
# Each side holds one descriptor per connection, plus the JVM's own (jars, epoll, pipes).
ulimit -n $(( CONNECTIONS + 1000 )) 2>/dev/null || {
  echo "idle-connections: cannot raise the open-files limit to $(( CONNECTIONS + 1000 ))" \
    "(hard limit $(ulimit -Hn))" >&2
  exit 2
}

bench_make_workdir

bench_ensure_jar
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
bench_start_daemon "$WORK/daemon" $JAVA_OPTS
sleep "$SETTLE_SECONDS" # let the start-up settle (JIT, lazy class loading, the trimming)
rss_before=$(bench_rss_kb "$DAEMON_PID")

# The client holds its connections until its stdin closes: feed it from a fifo we keep open.
mkfifo "$WORK/hold"
java -Xmx256m -cp "$TOOLS_JAR" io.sockmapd.benchmarks.load.IdleConnections --port "$PORT" \
  --connections "$CONNECTIONS" --sample 100 --map virtual --key postmaster@example.com \
  < "$WORK/hold" > "$WORK/client.out" 2>&1 &
CLIENT_PID=$!
exec 4> "$WORK/hold"
until grep -q '^ready' "$WORK/client.out"; do
  kill -0 "$CLIENT_PID" 2>/dev/null || { cat "$WORK/client.out"; exit 1; }
  sleep 0.2
done
sleep "$SETTLE_SECONDS" # idle: whatever the server keeps per connection is what stays
rss_with=$(bench_rss_kb "$DAEMON_PID")
# With max_connections (default 10000) connections open, one more is closed at accept.
after=$(bench_lookup "$PORT" domains example.com || echo "closed without an answer")
exec 4>&-
client_status=0
wait "$CLIENT_PID" || client_status=$?
CLIENT_PID=

echo "client: $(cat "$WORK/client.out")"
echo "one connection more, meanwhile: $after"
echo "daemon options: $JAVA_OPTS"
echo "daemon RSS before the connections: $(( rss_before / 1024 )) MB"
echo "daemon RSS with $CONNECTIONS idle connections: $(( rss_with / 1024 )) MB" \
  "($(( (rss_with - rss_before) * 1024 / CONNECTIONS )) bytes per connection)"
if grep -q 'max_connections' "$WORK/daemon/daemon.log"; then
  grep 'max_connections' "$WORK/daemon/daemon.log" | head -n 3
fi
[ "$client_status" -eq 0 ] || { echo "FAIL: connections refused or lookups unanswered"; exit 1; }
if [ $(( rss_before / 1024 )) -gt "$IDLE_LIMIT_MB" ]; then
  echo "FAIL: idle RSS over $IDLE_LIMIT_MB MB"
  exit 1
fi
if [ $(( rss_with / 1024 )) -gt "$LIMIT_MB" ]; then
  echo "FAIL: over $LIMIT_MB MB with the connections"
  exit 1
fi
echo "PASS: at most $IDLE_LIMIT_MB MB idle, $LIMIT_MB MB with $CONNECTIONS connections"
