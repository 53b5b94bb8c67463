# Shared helpers for the benchmark scripts (benchmarks/run.sh, benchmarks/idle-connections.sh,
# benchmarks/startup.sh). Source it from a script that has cd'ed to the repository root.

# The daemon under test, and the load tools (LoadGenerator, IdleConnections, MysqlDirect) of this
# module.
BENCH_JAR=server/target/sockmapd.jar
TOOLS_JAR=benchmarks/target/benchmarks.jar
DAEMON_PID=
CLIENT_PID=

# Sets WORK to a new temporary folder; at exit the client and daemon started (CLIENT_PID,
# DAEMON_PID) are stopped and the folder removed.
bench_make_workdir() {
  WORK=$(mktemp -d)
  trap bench_cleanup EXIT
}

bench_cleanup() {
  # The script's own status, not that of the daemon stopped here (143 after SIGTERM).
  local status=$?
  set +e # under errexit, the daemon's status from `wait` would end the script right here
  [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}

# The JVM options the shipped launcher (packaging/sockmapd) uses, and with it the unit and the
# Dockerfile: what the benchmarks measure unless told otherwise.
bench_default_java_opts() {
  sed -n 's/^DEFAULT_JAVA_OPTS="\(.*\)"$/\1/p' packaging/sockmapd
}

# Builds the daemon's jar and the load tools' jar when one is missing.
bench_ensure_jar() {
  [ -f "$BENCH_JAR" ] && [ -f "$TOOLS_JAR" ] || mvn -B -q package -DskipTests
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

# bench_cpu_ms PID: user + system CPU time a process has used so far (all its threads), in ms;
# less sensitive than wall time to other load on the machine.
bench_cpu_ms() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' \
    "/proc/$1/stat"
}

# bench_start_daemon DIR JAVA-OPTIONS...: starts sockmapd from the jar on a fresh quickstart copy
# in DIR (created), waits for its first answer; sets DAEMON_PID, PORT and ELAPSED_MS (from just
# before the JVM starts).
bench_start_daemon() {
  local dir=$1 config t0 reply
  shift
  mkdir "$dir"
  PORT=$(bench_free_port)
  config=$(bench_quickstart_config "$dir" "$PORT")
  t0=$(date +%s%N)
  java "$@" -jar "$BENCH_JAR" run --config "$config" > "$dir/daemon.log" 2>&1 &
  DAEMON_PID=$!
  until reply=$(bench_lookup "$PORT" virtual postmaster@example.com); do
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$dir/daemon.log"; exit 1; }
    sleep 0.005
  done
  ELAPSED_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$reply" = "20:OK admin@example.net," ] || { echo "unexpected reply: $reply" >&2; exit 1; }
}

bench_stop_daemon() {
  kill "$DAEMON_PID" && wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}

# bench_pg_connect URI: splits a postgresql://USER[:PASS]@HOST[:PORT]/DB URI into PGUSER_, PGPASS_,
# PGHOST_ and PGPORT_ (exports PGPASSWORD) and sets PSQL, a psql command line for them.
bench_pg_connect() {
  local re='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/(.*)$'
  [[ $1 =~ $re ]] || { echo "bench: can't parse $1" >&2; exit 2; }
  PGUSER_=${BASH_REMATCH[2]}; PGPASS_=${BASH_REMATCH[4]}; PGHOST_=${BASH_REMATCH[5]}
  PGPORT_=${BASH_REMATCH[7]:-5432}
  export PGPASSWORD=$PGPASS_
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_")
}

# bench_pg_database_json DB POOL_SIZE: the entry "pg" of a daemon config's "databases", for the
# database DB of the server bench_pg_connect was given; the daemon reads the password from the
# environment variable BENCH_PG_PASSWORD.
bench_pg_database_json() {
  cat <<JSON
"pg": {
      "type": "postgresql",
      "hosts": ["$PGHOST_:$PGPORT_"],
      "database": "$1",
      "user": "$PGUSER_",
      "password": "\${BENCH_PG_PASSWORD}",
      "pool_size": $2
    }
JSON
}

# bench_seed_pg DB ROWS: a new database DB (dropped first) whose table aliases has ROWS rows,
# user<i>@example.com -> mailbox<i>@dest.example. After bench_pg_connect.
bench_seed_pg() {
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  "${PSQL[@]}" -d "$1" <<SQL
CREATE TABLE aliases (address text PRIMARY KEY, goto text NOT NULL);
INSERT INTO aliases SELECT 'user' || i || '@example.com', 'mailbox' || i || '@dest.example'
  FROM generate_series(1, $2) AS i;
ANALYZE aliases;
SQL
}

# bench_keys DIR ROWS: DIR/keys.tsv, 20,000 keys with ids 1..2*ROWS (so about half are hits), each
# with its expected reply; DIR/hot.tsv, the first 1,000 of them, for the caches.
bench_keys() {
  awk -v rows="$2" 'BEGIN { srand(7); for (n = 0; n < 20000; n++) {
    i = int(rand() * 2 * rows) + 1;
    if (i <= rows) printf "user%d@example.com\tOK mailbox%d@dest.example\n", i, i;
    else printf "user%d@example.com\tNOTFOUND \n", i } }' > "$1/keys.tsv"
  head -n 1000 "$1/keys.tsv" > "$1/hot.tsv"
}

# bench_build_smload DIR: builds the team's independent C load generator (../shared/bench/smload.c)
# into DIR and sets SMLOAD to it; SMLOAD is empty when there is no C compiler or no source. It is a
# cross-check of our own generator, and the like-for-like client next to pgbench (both C; a JVM
# client takes more of the shared cores).
bench_build_smload() {
  SMLOAD=
  if command -v cc > /dev/null && [ -f ../shared/bench/smload.c ]; then
    cc -O2 -o "$1/smload" ../shared/bench/smload.c && SMLOAD="$1/smload"
  fi
}

# field NAME: the value of NAME=VALUE in the line on stdin (a load generator's summary line).
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p;s/^$1=\([^[:space:]]*\).*/\1/p" | head -n1; }

# Results are kept in the associative array S, declared by the script: S[name,round,metric].
# median: the median of the numbers on stdin (separated by spaces; "-" and empty ones skipped).
median() { tr ' ' '\n' | grep -v '^-*$' | sort -g | awk '{ v[NR] = $1 } END {
  if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
over_rounds() { # name metric [baseline] -> median over the ROUNDS rounds; with a baseline, of name/baseline
  local values="" r
  for r in $(seq 1 "$ROUNDS"); do
    if [ -n "${3:-}" ]; then
      values+=" $(awk -v a="${S[$1,$r,$2]:-0}" -v b="${S[$3,$r,$2]:-0}" \
        'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')"
    else
      values+=" ${S[$1,$r,$2]:--}"
    fi
  done
  median <<<"$values"
}
