#!/usr/bin/env bash
# sockmapd benchmark: sockmapd against PostgreSQL, side by side with pgbench running the same
# query at the same concurrency, in one run on one machine (quote the ratios, not the absolute
# numbers: the load generator, the daemon and the database share the cores).
#
#   bench/run.sh                  # 10 s per scenario
#   SECONDS_PER_RUN=20 bench/run.sh
#
# Needs: a built jar (built if missing), PostgreSQL reachable through $BENCH_PG_URI (default:
# $SOCKMAPD_TEST_PG_URI, else postgresql://postgres@127.0.0.1:5432/postgres), psql and pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_SECONDS=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP_SECONDS:-3}
PORT=${BENCH_PORT:-18732}
ROWS=${BENCH_ROWS:-100000}
HEAP=${BENCH_HEAP:--Xmx64m}
PG_URI=${BENCH_PG_URI:-${SOCKMAPD_TEST_PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}}
JAR=server/target/sockmapd.jar
WORK=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# Split the admin URI into the parts pgbench/psql and the config need.
re='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/(.*)$'
[[ $PG_URI =~ $re ]] || { echo "bench: can't parse $PG_URI" >&2; exit 2; }
PGUSER_=${BASH_REMATCH[2]}; PGPASS_=${BASH_REMATCH[4]}; PGHOST_=${BASH_REMATCH[5]}
PGPORT_=${BASH_REMATCH[7]:-5432}
export PGPASSWORD=$PGPASS_
DB=sockmapd_bench
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_")

[ -f "$JAR" ] || mvn -B -q package -DskipTests

echo "== seeding $ROWS aliases into database $DB"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"${PSQL[@]}" -d "$DB" <<SQL
CREATE TABLE aliases (address text PRIMARY KEY, goto text NOT NULL);
INSERT INTO aliases SELECT 'user' || i || '@example.com', 'mailbox' || i || '@dest.example'
  FROM generate_series(1, $ROWS) AS i;
ANALYZE aliases;
SQL

# Keys: ids 1..2*ROWS, so about half are hits; the expected reply comes with each key.
awk -v rows="$ROWS" 'BEGIN { srand(7); for (n = 0; n < 20000; n++) {
  i = int(rand() * 2 * rows) + 1;
  if (i <= rows) printf "user%d@example.com\tOK mailbox%d@dest.example\n", i, i;
  else printf "user%d@example.com\tNOTFOUND \n", i } }' > "$WORK/keys.tsv"
# Hot keys for the cache: 1000 distinct keys, half hits.
head -n 1000 "$WORK/keys.tsv" > "$WORK/hot.tsv"

cat > "$WORK/pgbench.sql" <<SQL
\set id random(1, 2 * $ROWS)
SELECT goto FROM aliases WHERE address = 'user' || :id || '@example.com';
SQL

cat > "$WORK/bench.json" <<JSON
{
  "listen": ["inet:127.0.0.1:$PORT"],
  "databases": {
    "pg": {
      "type": "postgresql",
      "hosts": ["$PGHOST_:$PGPORT_"],
      "database": "$DB",
      "user": "$PGUSER_",
      "password": "\${BENCH_PG_PASSWORD}",
      "pool_size": ${BENCH_POOL_SIZE:-4}
    }
  },
  "maps": {
    "virtual": {
      "database": "pg",
      "query": "SELECT goto FROM aliases WHERE address = '%s'"
    },
    "virtual_cached": {
      "database": "pg",
      "query": "SELECT goto FROM aliases WHERE address = '%s'",
      "cache": { "ttl": "10m", "negative_ttl": "10m", "max_entries": 100000 }
    }
  }
}
JSON

echo "== starting sockmapd ($HEAP)"
t0=$(date +%s%N)
BENCH_PG_PASSWORD=$PGPASS_ java $HEAP -jar "$JAR" run --config "$WORK/bench.json" \
  > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
printf 'user1@example.com\tOK mailbox1@dest.example\n' > "$WORK/one.tsv"
for _ in $(seq 1 100); do
  if java -cp "$JAR" io.sockmapd.bench.LoadGenerator --port "$PORT" --keys "$WORK/one.tsv" \
      --connections 1 --seconds 0.01 --warmup 0 > /dev/null 2>&1; then break; fi
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log"; exit 1; }
  sleep 0.1
done
echo "startup to first answer (including a JVM for the probe): $(( ($(date +%s%N) - t0) / 1000000 )) ms"

loadgen() { # map keys connections
  java -cp "$JAR" io.sockmapd.bench.LoadGenerator --port "$PORT" --map "$1" --keys "$2" \
    --connections "$3" --seconds "$RUN_SECONDS" --warmup "$WARMUP"
}
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p;s/^$1=\([^[:space:]]*\).*/\1/p" | head -n1; }
pgbench_run() { # clients -> "tps p50 p99"
  rm -f "$WORK"/pgbench_log*
  pgbench -n -M prepared -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -c "$1" -j "$(( $1 < 2 ? 1 : 2 ))" \
    -T "$(( RUN_SECONDS + WARMUP ))" -f "$WORK/pgbench.sql" -l --log-prefix="$WORK/pgbench_log" \
    "$DB" > "$WORK/pgbench.out" 2>&1
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.out" | head -n1)
  # Latency percentiles from the per-transaction log (column 3, µs), skipping the warm-up.
  cat "$WORK"/pgbench_log* | awk -v w="$WARMUP" 'NR==1{s=$5} $5>=s+w{print $3}' | sort -n > "$WORK/lat"
  n=$(wc -l < "$WORK/lat")
  p50=$(sed -n "$(( n / 2 + 1 ))p" "$WORK/lat"); p99=$(sed -n "$(( n * 99 / 100 + 1 ))p" "$WORK/lat")
  echo "${tps%.*} $p50 $p99"
}

declare -A RPS P50 P99 WRONG
record() { # name line
  RPS[$1]=$(field rps <<<"$2"); P50[$1]=$(field p50_us <<<"$2"); P99[$1]=$(field p99_us <<<"$2")
  WRONG[$1]=$(field wrong <<<"$2"); echo "$1: $2"
}

for c in 1 32; do
  echo "== pgbench direct, $c connection(s)"
  read -r tps p50 p99 < <(pgbench_run "$c")
  RPS[pg$c]=$tps; P50[pg$c]=$p50; P99[pg$c]=$p99; WRONG[pg$c]=-
  echo "pg$c: tps=$tps p50_us=$p50 p99_us=$p99"
  echo "== sockmapd uncached, $c connection(s)"
  record "sm$c" "$(loadgen virtual "$WORK/keys.tsv" "$c" || true)"
done
echo "== sockmapd cached (hot keys), 32 connections"
loadgen virtual_cached "$WORK/hot.tsv" 32 > /dev/null || true
record cached32 "$(loadgen virtual_cached "$WORK/hot.tsv" 32 || true)"

SMLOAD=
if command -v cc > /dev/null && [ -f ../shared/bench/smload.c ]; then
  cc -O2 -o "$WORK/smload" ../shared/bench/smload.c && SMLOAD="$WORK/smload"
fi
if [ -n "$SMLOAD" ]; then
  # The same scenarios with the independent C load generator: a cross-check of our own, and at
  # 1 connection the fairer latency comparison with pgbench (both are C clients).
  for c in 1 32; do
    echo "== cross-check with smload (C), uncached, $c connection(s)"
    record "smc$c" "$("$SMLOAD" -p "$PORT" -m virtual -k "$WORK/keys.tsv" -c "$c" -d "$RUN_SECONDS" -w "$WARMUP" || true)"
  done
fi

rss_kb=$(awk '/VmRSS/{print $2}' /proc/$DAEMON_PID/status)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "== results (${RUN_SECONDS}s per run after ${WARMUP}s warm-up, heap $HEAP)"
printf '%-34s %10s %8s %8s %6s %14s\n' scenario "lookups/s" p50_us p99_us wrong "vs pgbench"
row() { printf '%-34s %10s %8s %8s %6s %14s\n' "$1" "${RPS[$2]}" "${P50[$2]}" "${P99[$2]}" "${WRONG[$2]}" "$3"; }
row "pgbench -M prepared, 1 conn" pg1 ""
row "sockmapd uncached, 1 conn" sm1 "$(ratio "${RPS[sm1]}" "${RPS[pg1]}")x"
row "pgbench -M prepared, 32 conns" pg32 ""
row "sockmapd uncached, 32 conns" sm32 "$(ratio "${RPS[sm32]}" "${RPS[pg32]}")x"
row "sockmapd cached hot keys, 32 conns" cached32 "$(ratio "${RPS[cached32]}" "${RPS[pg32]}")x"
if [ -n "$SMLOAD" ]; then
  row "smload -> sockmapd uncached, 1 conn" smc1 "$(ratio "${RPS[smc1]}" "${RPS[pg1]}")x"
  row "smload -> sockmapd uncached, 32 conns" smc32 "$(ratio "${RPS[smc32]}" "${RPS[pg32]}")x"
  echo "p99 added over the direct query at 1 conn (smload): $(( ${P99[smc1]:-0} - ${P99[pg1]:-0} )) us"
fi
echo "p99 added over the direct query at 1 conn (Java load generator): $(( ${P99[sm1]:-0} - ${P99[pg1]:-0} )) us"
echo "daemon RSS after the runs: $(( rss_kb / 1024 )) MB"
