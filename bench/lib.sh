# Shared helpers for the footprint benchmarks (bench/idle-connections.sh, bench/startup.sh).
# Source it from a script that has cd'ed to the repository root.

BENCH_JAR=server/target/sockmapd.jar

# Builds the fat jar when it is missing.
bench_ensure_jar() {
  [ -f "$BENCH_JAR" ] || mvn -B -q package -DskipTests
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now.
bench_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 10000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# bench_quickstart_config DIR PORT: the embedded default (examples/quickstart.json and its seed
# SQL) copied into DIR, listening on PORT; prints the config path. The SQLite file is created in
# DIR on the daemon's first start.
bench_quickstart_config() {
  cp examples/quickstart.sql "$1/"
  sed "s/127\.0\.0\.1:8732/127.0.0.1:$2/" examples/quickstart.json > "$1/quickstart.json"
  echo "$1/quickstart.json"
}

# bench_lookup PORT MAP KEY: one socketmap lookup over bash's /dev/tcp (no process start, so it
# costs a few milliseconds); prints the reply netstring, fails when nothing answers.
bench_lookup() {
  local LC_ALL=C request="$2 $3" reply # LC_ALL=C: ${#request} counts bytes
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf '%d:%s,' "${#request}" "$request" >&3
  IFS= read -r -t 2 -d , reply <&3 2>/dev/null || { exec 3<&-; return 1; }
  exec 3<&-
  echo "$reply,"
}

# bench_rss_kb PID: the resident set size of a process, in kB.
bench_rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
