#!/usr/bin/env bash
# sockmapd benchmark: sockmapd against PostgreSQL, side by side with pgbench running the same
# query at the same concurrency, in one run on one machine (quote the ratios, not the absolute
# numbers: the load generator, the daemon and the database share the cores).
#
# Beside it, in the same run: Postfix tcp_table lookups against socketmap lookups on the same maps
# of the same daemon, and sockmapd against MariaDB/MySQL beside a direct prepared-statement client
# (MysqlDirect, this module's; mysqlslap cannot run a prepared query over a key set).
#
#   benchmarks/run.sh                  # 3 rounds, 8 s per run after 2 s warm-up (about 8 minutes
#                                      # with MariaDB, 5 with BENCH_TCP_TABLE=0 BENCH_MYSQL=0)
#   SECONDS_PER_RUN=20 WARMUP_SECONDS=3 BENCH_ROUNDS=5 benchmarks/run.sh
#
# Switches (environment):
#   BENCH_TCP_TABLE=1|0    tcp_table listeners on the socketmap maps, tcp_table / socketmap ratios
#                          printed for the uncached and the cached map at 32 connections (default 1)
#   BENCH_TCP_TABLE_PORT   first of the two tcp_table ports (default BENCH_PORT + 1)
#   BENCH_MYSQL=auto|1|0   the MariaDB/MySQL comparison; auto: when the mysql client and the
#                          server answer (default auto)
#   BENCH_MYSQL_URI        mysql://USER:PASS@HOST:PORT/DB, a database the user may create a table
#                          in (default: $SOCKMAPD_TEST_MYSQL_URI, else mysql://root@127.0.0.1:3306/test)
#   BENCH_MYSQL_CONNECTIONS  the concurrencies of the MariaDB/MySQL runs (default "1 32")
#   BENCH_NULL_PORT        port of the null C server (benchmarks/null-server.c), the ceiling the
#                          cached map is compared with (default BENCH_PORT + 10; with smload only)
#
# Needs: the built jars (built if missing), PostgreSQL reachable through $BENCH_PG_URI (default:
# $SOCKMAPD_TEST_PG_URI, else postgresql://postgres@127.0.0.1:5432/postgres), psql and pgbench;
# for the MariaDB/MySQL part the mysql (or mariadb) client.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

RUN_SECONDS=${SECONDS_PER_RUN:-8}
WARMUP=${WARMUP_SECONDS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
PORT=${BENCH_PORT:-18732}
ROWS=${BENCH_ROWS:-100000}
HEAP=${BENCH_HEAP:-$(bench_default_java_opts)}
PG_URI=${BENCH_PG_URI:-${SOCKMAPD_TEST_PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}}
TCP_TABLE=${BENCH_TCP_TABLE:-1}
TT_PORT=${BENCH_TCP_TABLE_PORT:-$(( PORT + 1 ))}
TT_CACHED_PORT=$(( TT_PORT + 1 ))
MYSQL=${BENCH_MYSQL:-auto}
MY_URI=${BENCH_MYSQL_URI:-${SOCKMAPD_TEST_MYSQL_URI:-mysql://root@127.0.0.1:3306/test}}
MY_CONNECTIONS=${BENCH_MYSQL_CONNECTIONS:-1 32}
WORK=$(mktemp -d)
DAEMON_PID=
NULL_PID=
cleanup() {
  local status=$? # the script's own, not the stopped daemon's
  set +e # under errexit, the daemon's status from `wait` would end the script right here
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  [ -n "$NULL_PID" ] && kill "$NULL_PID" 2>/dev/null && wait "$NULL_PID" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

bench_pg_connect "$PG_URI"
DB=sockmapd_bench

# The same for MariaDB/MySQL; with BENCH_MYSQL=auto, a server that does not answer skips the part.
MY_TABLE=sockmapd_bench_aliases # a table of its own: the database may be shared with the tests
MYSQL_CLI=$(command -v mysql || command -v mariadb || true)
if [ "$MYSQL" != 0 ]; then
  re='^mysql://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/(.+)$'
  [[ $MY_URI =~ $re ]] || { echo "bench: can't parse $MY_URI" >&2; exit 2; }
  MYUSER_=${BASH_REMATCH[1]}; MYPASS_=${BASH_REMATCH[3]}; MYHOST_=${BASH_REMATCH[4]}
  MYPORT_=${BASH_REMATCH[6]:-3306}; MYDB_=${BASH_REMATCH[7]}
  MYSQL_CMD=("$MYSQL_CLI" --protocol=tcp -h "$MYHOST_" -P "$MYPORT_" -u "$MYUSER_" "$MYDB_")
  if [ -z "$MYSQL_CLI" ] || ! MYSQL_PWD=$MYPASS_ "${MYSQL_CMD[@]}" -e 'SELECT 1' > /dev/null 2>&1; then
    [ "$MYSQL" = 1 ] && { echo "bench: no mysql client, or $MYHOST_:$MYPORT_ does not answer" >&2; exit 2; }
    echo "== MariaDB/MySQL part skipped: no mysql client, or $MYHOST_:$MYPORT_ does not answer"
    MYSQL=0
  else
    MYSQL=1
  fi
fi

bench_ensure_jar

echo "== seeding $ROWS aliases into database $DB"
bench_seed_pg "$DB" "$ROWS"
bench_keys "$WORK" "$ROWS"

if [ "$MYSQL" = 1 ]; then
  echo "== seeding $ROWS aliases into table $MY_TABLE of database $MYDB_ (MariaDB/MySQL)"
  # Rows from a cross join of digit tables (no recursive CTE: MySQL caps its depth at 1000).
  digits="(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
  digits+=" UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
  from="$digits t0"; expr="t0.d"; n=1; scale=10
  while [ "$scale" -lt "$ROWS" ]; do
    from+=" CROSS JOIN $digits t$n"; expr+=" + $scale * t$n.d"; n=$(( n + 1 )); scale=$(( scale * 10 ))
  done
  MYSQL_PWD=$MYPASS_ "${MYSQL_CMD[@]}" <<SQL
DROP TABLE IF EXISTS $MY_TABLE;
CREATE TABLE $MY_TABLE (address VARCHAR(255) PRIMARY KEY, goto VARCHAR(255) NOT NULL)
  DEFAULT CHARSET = utf8mb4;
INSERT INTO $MY_TABLE SELECT CONCAT('user', i, '@example.com'), CONCAT('mailbox', i, '@dest.example')
  FROM (SELECT $expr + 1 AS i FROM $from) AS n WHERE i <= $ROWS;
ANALYZE TABLE $MY_TABLE;
SQL
fi

cat > "$WORK/pgbench.sql" <<SQL
\set id random(1, 2 * $ROWS)
SELECT goto FROM aliases WHERE address = 'user' || :id || '@example.com';
SQL

LISTEN="\"inet:127.0.0.1:$PORT\""
if [ "$TCP_TABLE" = 1 ]; then
  # tcp_table requests name no map: one listener per map, on the same maps as socketmap's.
  LISTEN+=", {\"address\": \"inet:127.0.0.1:$TT_PORT\", \"protocol\": \"tcp_table\", \"map\": \"virtual\"}"
  LISTEN+=", {\"address\": \"inet:127.0.0.1:$TT_CACHED_PORT\", \"protocol\": \"tcp_table\","
  LISTEN+=" \"map\": \"virtual_cached\"}"
fi
MY_DATABASE= MY_MAP=
if [ "$MYSQL" = 1 ]; then
  MY_DATABASE=$(cat <<JSON
,
    "my": {
      "type": "mysql",
      "hosts": ["$MYHOST_:$MYPORT_"],
      "database": "$MYDB_",
      "user": "$MYUSER_",
      "password": "\${BENCH_MYSQL_PASSWORD}",
      "pool_size": ${BENCH_POOL_SIZE:-4}
    }
JSON
)
  MY_MAP=$(cat <<JSON
,
    "virtual_my": {
      "database": "my",
      "query": "SELECT goto FROM $MY_TABLE WHERE address = '%s'"
    }
JSON
)
fi

cat > "$WORK/bench.json" <<JSON
{
  "listen": [$LISTEN],
  "databases": {
    $(bench_pg_database_json "$DB" "${BENCH_POOL_SIZE:-4}")$MY_DATABASE
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
    },
    "virtual_cached_listen": {
      "database": "pg",
      "query": "SELECT goto FROM aliases WHERE address = '%s'",
      "cache": { "ttl": "10m", "negative_ttl": "10m", "max_entries": 100000, "listen": true }
    }$MY_MAP
  }
}
JSON

echo "== starting sockmapd ($HEAP)"
t0=$(date +%s%N)
BENCH_PG_PASSWORD=$PGPASS_ BENCH_MYSQL_PASSWORD=${MYPASS_:-} java $HEAP -jar "$BENCH_JAR" run --config "$WORK/bench.json" \
  > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
printf 'user1@example.com\tOK mailbox1@dest.example\n' > "$WORK/one.tsv"
for _ in $(seq 1 100); do
  if java -cp "$TOOLS_JAR" io.sockmapd.benchmarks.load.LoadGenerator --port "$PORT" --keys "$WORK/one.tsv" \
      --connections 1 --seconds 0.01 --warmup 0 > /dev/null 2>&1; then break; fi
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log"; exit 1; }
  sleep 0.1
done
echo "startup to first answer (including a JVM for the probe): $(( ($(date +%s%N) - t0) / 1000000 )) ms"

loadgen() { # map keys connections
  java -cp "$TOOLS_JAR" io.sockmapd.benchmarks.load.LoadGenerator --port "$PORT" --map "$1" --keys "$2" \
    --connections "$3" --seconds "$RUN_SECONDS" --warmup "$WARMUP"
}
tcp_table_loadgen() { # map keys connections: the same runs through the map's tcp_table listener
  local port=$TT_PORT
  [ "$1" = virtual_cached ] && port=$TT_CACHED_PORT
  java -cp "$TOOLS_JAR" io.sockmapd.benchmarks.load.LoadGenerator --protocol tcp_table --port "$port" \
    --keys "$2" --connections "$3" --seconds "$RUN_SECONDS" --warmup "$WARMUP"
}
mysql_direct() { # connections: the daemon's query, prepared, straight to MariaDB/MySQL
  java -cp "$TOOLS_JAR" io.sockmapd.benchmarks.load.MysqlDirect --uri "$MY_URI" \
    --query "SELECT goto FROM $MY_TABLE WHERE address = ?" --keys "$WORK/keys.tsv" \
    --connections "$1" --seconds "$RUN_SECONDS" --warmup "$WARMUP"
}
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

bench_build_smload "$WORK"
smload() { # map keys connections [port]
  "$SMLOAD" -p "${4:-$PORT}" -m "$1" -k "$2" -c "$3" -d "$RUN_SECONDS" -w "$WARMUP"
}
# The ceiling for the cached map: a C server that answers NOTFOUND without any work, asked by smload
# with the same hot keys (without their expected answers: it knows none).
NULL_PORT=${BENCH_NULL_PORT:-$(( PORT + 10 ))}
if [ -n "$SMLOAD" ]; then
  cc -O2 -o "$WORK/null-server" benchmarks/null-server.c
  "$WORK/null-server" "$NULL_PORT" &
  NULL_PID=$!
  cut -f1 "$WORK/hot.tsv" > "$WORK/hot-keys.txt"
fi

# Per scenario and round: S[name,round,metric].
declare -A S
statements() {
  if [ -n "${NO_STATEMENT_COUNT:-}" ]; then
    # MariaDB/MySQL count statements per server, not per database: the tests' would be mixed in.
    echo 0
    return
  fi
  "${PSQL[@]}" -d postgres -At -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'"
}
# Where the work goes, per lookup: the daemon's CPU (all its threads) and how many lookups one
# database statement answered (PostgreSQL counts each statement outside a transaction as one
# committed transaction). Sampled from the end of the warm-up to the end of the run.
measure_from_warmup() {
  ( sleep "$WARMUP"; echo "$(bench_cpu_ms "$DAEMON_PID") $(statements)" > "$WORK/m0" ) &
  MEASURE_PID=$!
}
record() { # name round line
  local key="$1,$2" line=$3 cpu0 stmt0 cpu1 stmt1 n
  wait "$MEASURE_PID"
  cpu1=$(bench_cpu_ms "$DAEMON_PID")
  sleep 1.1 # PostgreSQL publishes a backend's counters at most once a second
  stmt1=$(statements)
  read -r cpu0 stmt0 < "$WORK/m0"
  n=$(field requests <<<"$line")
  S[$key,rps]=$(field rps <<<"$line"); S[$key,p50]=$(field p50_us <<<"$line")
  S[$key,p99]=$(field p99_us <<<"$line"); S[$key,wrong]=$(field wrong <<<"$line")
  S[$key,cpu]=$(awk -v c="$(( cpu1 - cpu0 ))" -v n="${n:-0}" \
    'BEGIN { if (n > 0) printf "%.1f", c * 1000 / n; else print "-" }')
  S[$key,stmt]=$(awk -v n="${n:-0}" -v s="$(( stmt1 - stmt0 ))" \
    'BEGIN { if (s > 0) printf "%.1f", n / s; else print "-" }')
  echo "$1 round $2: $line cpu_us_per_lookup=${S[$key,cpu]} lookups_per_statement=${S[$key,stmt]}"
}
record_direct() { # name round line: a direct client's run (no daemon work to measure)
  local key="$1,$2" line=$3
  S[$key,rps]=$(field rps <<<"$line"); S[$key,p50]=$(field p50_us <<<"$line")
  S[$key,p99]=$(field p99_us <<<"$line"); S[$key,wrong]=$(field wrong <<<"$line")
  S[$key,cpu]=-; S[$key,stmt]=-
  echo "$1 round $2: $line"
}
run_daemon_scenario() { # name round generator map keys connections
  local name=$1 round=$2
  shift 2
  measure_from_warmup
  record "$name" "$round" "$("$@" || true)"
}

echo "== warming the daemon up (not counted)"
loadgen virtual "$WORK/keys.tsv" 32 > /dev/null || true
loadgen virtual_cached "$WORK/hot.tsv" 32 > /dev/null || true
loadgen virtual_cached_listen "$WORK/hot.tsv" 32 > /dev/null || true
[ "$TCP_TABLE" = 1 ] && { tcp_table_loadgen virtual "$WORK/keys.tsv" 32 > /dev/null || true; }
[ "$MYSQL" = 1 ] && { loadgen virtual_my "$WORK/keys.tsv" 32 > /dev/null || true; }

# Rounds interleave the direct and the sockmapd runs, so that a slow spell of the machine hits
# both sides; each ratio is taken within its round, and the medians are reported.
for round in $(seq 1 "$ROUNDS"); do
  for c in 1 32; do
    echo "== round $round: pgbench direct, $c connection(s)"
    read -r tps p50 p99 < <(pgbench_run "$c")
    S[pg$c,$round,rps]=$tps; S[pg$c,$round,p50]=$p50; S[pg$c,$round,p99]=$p99
    echo "pg$c round $round: tps=$tps p50_us=$p50 p99_us=$p99"
    echo "== round $round: sockmapd uncached, $c connection(s)"
    run_daemon_scenario "sm$c" "$round" loadgen virtual "$WORK/keys.tsv" "$c"
    if [ -n "$SMLOAD" ]; then
      echo "== round $round: smload -> sockmapd uncached, $c connection(s)"
      run_daemon_scenario "smc$c" "$round" smload virtual "$WORK/keys.tsv" "$c"
    fi
  done
  echo "== round $round: sockmapd cached (hot keys), 32 connections"
  run_daemon_scenario cached32 "$round" loadgen virtual_cached "$WORK/hot.tsv" 32
  if [ -n "$SMLOAD" ]; then
    echo "== round $round: smload -> sockmapd cached (hot keys), 32 connections"
    run_daemon_scenario smcached32 "$round" smload virtual_cached "$WORK/hot.tsv" 32
    # The same map with invalidation on: it LISTENs for changes (none arrive during the run), which
    # should cost the hits nothing.
    echo "== round $round: smload -> sockmapd cached with invalidation (listen), 32 connections"
    run_daemon_scenario smlisten32 "$round" smload virtual_cached_listen "$WORK/hot.tsv" 32
    for c in 32 1; do
      echo "== round $round: smload -> null C server (no work), $c connection(s)"
      record_direct "null$c" "$round" "$(smload virtual_cached "$WORK/hot-keys.txt" "$c" "$NULL_PORT" || true)"
    done
  fi
  if [ "$TCP_TABLE" = 1 ]; then
    echo "== round $round: tcp_table -> sockmapd uncached, 32 connections"
    run_daemon_scenario tt32 "$round" tcp_table_loadgen virtual "$WORK/keys.tsv" 32
    echo "== round $round: tcp_table -> sockmapd cached (hot keys), 32 connections"
    run_daemon_scenario ttcached32 "$round" tcp_table_loadgen virtual_cached "$WORK/hot.tsv" 32
  fi
  if [ "$MYSQL" = 1 ]; then
    for c in $MY_CONNECTIONS; do
      echo "== round $round: MariaDB/MySQL direct (prepared), $c connection(s)"
      record_direct "my$c" "$round" "$(mysql_direct "$c" || true)"
      echo "== round $round: sockmapd on MariaDB/MySQL uncached, $c connection(s)"
      NO_STATEMENT_COUNT=1 run_daemon_scenario "smmy$c" "$round" loadgen virtual_my "$WORK/keys.tsv" "$c"
    done
  fi
done

rss_kb=$(bench_rss_kb "$DAEMON_PID")

added() { # metric name baseline -> median over rounds of its metric minus the baseline's
  local values="" r
  for r in $(seq 1 "$ROUNDS"); do values+=" $(( ${S[$2,$r,$1]:-0} - ${S[$3,$r,$1]:-0} ))"; done
  median <<<"$values"
}
added_p99() { added p99 "$1" "${2:-pg1}"; } # name [baseline, pg1]
wrong_total() {
  local total=0 r
  for r in $(seq 1 "$ROUNDS"); do total=$(( total + ${S[$1,$r,wrong]:-0} )); done
  echo "$total"
}

echo
echo "== results: median of $ROUNDS rounds (${RUN_SECONDS}s per run after ${WARMUP}s warm-up, heap $HEAP)"
printf '%-38s %10s %7s %7s %6s %11s %11s %9s\n' scenario "lookups/s" p50_us p99_us wrong \
  "vs pgbench" "cpu_us/lkp" "lkp/stmt"
row() { # label name [baseline]
  local vs=""
  [ -n "${3:-}" ] && vs="$(awk -v r="$(over_rounds "$2" rps "$3")" 'BEGIN { printf "%.2fx", r }')"
  printf '%-38s %10s %7s %7s %6s %11s %11s %9s\n' "$1" "$(fmt "$(over_rounds "$2" rps)" %.0f)" \
    "$(fmt "$(over_rounds "$2" p50)" %.0f)" "$(fmt "$(over_rounds "$2" p99)" %.0f)" \
    "$([ "${2#pg}" = "$2" ] && wrong_total "$2" || echo -)" "$vs" \
    "$(fmt "$(over_rounds "$2" cpu)" %.1f)" "$(fmt "$(over_rounds "$2" stmt)" %.1f)"
}
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "-") print "-"; else printf f, v }'; }
row "pgbench -M prepared, 1 conn" pg1
row "sockmapd uncached, 1 conn" sm1 pg1
[ -n "$SMLOAD" ] && row "smload -> sockmapd uncached, 1 conn" smc1 pg1
row "pgbench -M prepared, 32 conns" pg32
row "sockmapd uncached, 32 conns" sm32 pg32
[ -n "$SMLOAD" ] && row "smload -> sockmapd uncached, 32 conns" smc32 pg32
row "sockmapd cached hot keys, 32 conns" cached32 pg32
[ -n "$SMLOAD" ] && row "smload -> sockmapd cached hot keys, 32" smcached32 pg32
[ -n "$SMLOAD" ] && row "smload -> cached, invalidation on" smlisten32 pg32
[ -n "$SMLOAD" ] && row "smload -> null C server, 32 conns" null32
[ -n "$SMLOAD" ] && row "smload -> null C server, 1 conn" null1
echo "p99 added over the direct query at 1 conn (Java load generator): $(added_p99 sm1) us"
[ -n "$SMLOAD" ] && echo "p99 added over the direct query at 1 conn (smload): $(added_p99 smc1) us"
echo "daemon RSS after the runs: $(( rss_kb / 1024 )) MB"
echo "vs pgbench: median of the per-round ratios; cpu_us/lkp: the daemon's CPU per lookup (all"
echo "threads); lkp/stmt: lookups per database statement (approximate: PostgreSQL publishes its"
echo "counters up to a second late); wrong: wrong answers, all rounds"
# The performance targets, each a ratio or difference within one run (medians over the rounds).
target() { # label value comparison limit unit
  local met
  met=$(awk -v v="$2" -v l="$4" -v c="$3" 'BEGIN {
    if (v == "-" || v == "") print "not measured"; else if ((c == ">=" && v >= l) || (c == "<=" && v <= l)) print "met"; else print "NOT met" }')
  printf '%-58s %9s%s  (target %s %s%s)  %s\n' "$1" "$2" "$5" "$3" "$4" "$5" "$met"
}
if [ -n "$SMLOAD" ]; then
  echo
  echo "== targets (smload on both sides of each ratio)"
  target "cached hot keys, 32 conns / null C server" "$(fmt "$(over_rounds smcached32 rps null32)" %.2f)" ">=" 0.7 x
  target "uncached, 32 conns / pgbench" "$(fmt "$(over_rounds smc32 rps pg32)" %.2f)" ">=" 1.2 x
  target "uncached, 1 conn: p50 added over pgbench" "$(added p50 smc1 pg1)" "<=" 25 " us"
  target "cached, invalidation on / off, 32 conns" "$(fmt "$(over_rounds smlisten32 rps smcached32)" %.2f)" ">=" 0.95 x
  # A daemon between client and database adds one round trip over loopback at least; the null
  # server's p50 at 1 connection is that round trip on this machine, with no work in it.
  echo "for comparison: one socketmap round trip with no work (null C server, 1 conn) p50 $(fmt "$(over_rounds null1 p50)" %.0f) us"
fi
if [ "$TCP_TABLE" = 1 ]; then
  echo
  echo "== tcp_table against socketmap: the same maps of the same daemon, 32 connections"
  printf '%-38s %10s %7s %7s %6s %11s %11s %9s\n' scenario "lookups/s" p50_us p99_us wrong \
    "vs sockmap" "cpu_us/lkp" "lkp/stmt"
  row "socketmap uncached, 32 conns" sm32
  row "tcp_table uncached, 32 conns" tt32 sm32
  row "socketmap cached hot keys, 32 conns" cached32
  row "tcp_table cached hot keys, 32 conns" ttcached32 cached32
  echo "tcp_table / socketmap, uncached: $(fmt "$(over_rounds tt32 rps sm32)" %.2f)x;" \
    "cached: $(fmt "$(over_rounds ttcached32 rps cached32)" %.2f)x"
fi
if [ "$MYSQL" = 1 ]; then
  echo
  echo "== MariaDB/MySQL: sockmapd against a direct prepared-statement client (MysqlDirect)"
  printf '%-38s %10s %7s %7s %6s %11s %11s %9s\n' scenario "lookups/s" p50_us p99_us wrong \
    "vs direct" "cpu_us/lkp" "lkp/stmt"
  for c in $MY_CONNECTIONS; do
    row "MysqlDirect prepared, $c conn(s)" "my$c"
    row "sockmapd uncached, $c conn(s)" "smmy$c" "my$c"
  done
  for c in $MY_CONNECTIONS; do
    echo "sockmapd / direct MariaDB/MySQL at $c conn(s): $(fmt "$(over_rounds "smmy$c" rps "my$c")" %.2f)x;" \
      "p99 added: $(added_p99 "smmy$c" "my$c") us"
  done
  for c in $MY_CONNECTIONS; do
    if [ "$c" = 1 ]; then
      target "MariaDB/MySQL, 1 conn: p50 added over the direct client" "$(added p50 smmy1 my1)" "<=" 25 " us"
    else
      target "MariaDB/MySQL, $c conns / direct client" "$(fmt "$(over_rounds "smmy$c" rps "my$c")" %.2f)" ">=" 1.2 x
    fi
  done
fi
