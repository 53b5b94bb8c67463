#!/usr/bin/env bash
# Daemon variants side by side: two or more daemons run at once, each with its own JVM options (and
# jar), and smload asks them in turn, the same scenario round after round, so that a slow spell of
# the machine hits every variant alike. Prints each run, then per variant the medians over the
# rounds (lookups/s, p50, the daemon's CPU per lookup) and the median of its per-round ratios to the
# first variant.
#
#   benchmarks/compare.sh 'one loop=-Dsockmapd.eventLoops=1' 'two loops=-Dsockmapd.eventLoops=2'
#   SCENARIO=uncached benchmarks/compare.sh 'C1 only=-XX:TieredStopAtLevel=1' 'C1 and C2='
#   benchmarks/compare.sh 'before@/tmp/sockmapd-old.jar=' 'after='
#
# A variant is LABEL[@JAR]=OPTIONS. The options come after the launcher's defaults (packaging/
# sockmapd), so that a later -XX option overrides a default one; the jar defaults to
# server/target/sockmapd.jar.
#
# Environment: SCENARIO cached (1,000 hot keys of a cached map, the default) or uncached (20,000
# keys of the uncached map, about half hits); CONNECTIONS (32); ROUNDS (5); SECONDS_PER_RUN (4);
# WARMUP_SECONDS (1); BENCH_ROWS (100000); BASE_JAVA_OPTS (the launcher's defaults); BENCH_PG_URI
# (default $SOCKMAPD_TEST_PG_URI, else postgresql://postgres@127.0.0.1:5432/postgres).
#
# Needs what benchmarks/run.sh needs, and smload (a C compiler and ../shared/bench/smload.c).
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

[ "$#" -ge 2 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
SCENARIO=${SCENARIO:-cached}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-5}
RUN_SECONDS=${SECONDS_PER_RUN:-4}
WARMUP=${WARMUP_SECONDS:-1}
ROWS=${BENCH_ROWS:-100000}
BASE_OPTS=${BASE_JAVA_OPTS-$(bench_default_java_opts)}
PG_URI=${BENCH_PG_URI:-${SOCKMAPD_TEST_PG_URI:-postgresql://postgres@127.0.0.1:5432/postgres}}
case $SCENARIO in
  cached) MAP=virtual_cached KEYS=hot.tsv ;;
  uncached) MAP=virtual KEYS=keys.tsv ;;
  *) echo "compare: SCENARIO is cached or uncached, not $SCENARIO" >&2; exit 2 ;;
esac

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local status=$? pid
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

bench_build_smload "$WORK"
[ -n "$SMLOAD" ] || { echo "compare: needs smload (a C compiler and ../shared/bench/smload.c)" >&2; exit 2; }
bench_ensure_jar
bench_pg_connect "$PG_URI"
DB=sockmapd_compare
echo "== seeding $ROWS aliases into database $DB"
bench_seed_pg "$DB" "$ROWS"
bench_keys "$WORK" "$ROWS"

LABELS=() PORTS=()
for spec in "$@"; do
  label=${spec%%=*} opts=${spec#*=} jar=$BENCH_JAR
  [ "$label" != "$spec" ] || { echo "compare: a variant is LABEL[@JAR]=OPTIONS, not $spec" >&2; exit 2; }
  if [[ $label == *@* ]]; then jar=${label#*@}; label=${label%%@*}; fi
  port=$(bench_free_port)
  n=${#LABELS[@]}
  cat > "$WORK/variant$n.json" <<JSON
{
  "listen": ["inet:127.0.0.1:$port"],
  "databases": {
    $(bench_pg_database_json "$DB" 4)
  },
  "maps": {
    "virtual": { "database": "pg", "query": "SELECT goto FROM aliases WHERE address = '%s'" },
    "virtual_cached": {
      "database": "pg",
      "query": "SELECT goto FROM aliases WHERE address = '%s'",
      "cache": { "ttl": "10m", "negative_ttl": "10m", "max_entries": 100000 }
    }
  }
}
JSON
  echo "== starting $label: $jar with $BASE_OPTS $opts, port $port"
  # shellcheck disable=SC2086 # the options are lists of words
  BENCH_PG_PASSWORD=$PGPASS_ java $BASE_OPTS $opts -jar "$jar" run --config "$WORK/variant$n.json" \
    > "$WORK/variant$n.log" 2>&1 &
  PIDS+=("$!")
  until bench_lookup "$port" virtual user1@example.com > /dev/null; do
    kill -0 "${PIDS[$n]}" 2>/dev/null || { cat "$WORK/variant$n.log"; exit 1; }
    sleep 0.1
  done
  LABELS+=("$label") PORTS+=("$port")
done

run() { # variant -> smload's line, with the daemon's CPU per lookup appended
  local cpu0 cpu1 line n
  cpu0=$(bench_cpu_ms "${PIDS[$1]}")
  line=$("$SMLOAD" -p "${PORTS[$1]}" -m "$MAP" -k "$WORK/$KEYS" -c "$CONNECTIONS" -d "$RUN_SECONDS" -w 0)
  cpu1=$(bench_cpu_ms "${PIDS[$1]}")
  n=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  echo "$line cpu_us=$(awk -v c="$(( cpu1 - cpu0 ))" -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? c * 1000 / n : 0) }')"
}

echo "== warming up every variant (not counted)"
for v in "${!LABELS[@]}"; do
  "$SMLOAD" -p "${PORTS[$v]}" -m "$MAP" -k "$WORK/$KEYS" -c "$CONNECTIONS" -d $(( 2 * RUN_SECONDS )) -w 0 > /dev/null
done

declare -A S
for round in $(seq 1 "$ROUNDS"); do
  for v in "${!LABELS[@]}"; do
    line=$(run "$v")
    echo "round $round ${LABELS[$v]}: $line"
    for m in rps p50_us wrong cpu_us; do S[$v,$round,$m]=$(field "$m" <<<"$line"); done
  done
done

echo
echo "== $SCENARIO, $CONNECTIONS connections: medians of $ROUNDS rounds (${RUN_SECONDS}s each)"
printf '%-28s %10s %8s %11s %7s %14s\n' variant "lookups/s" p50_us "cpu_us/lkp" wrong "vs ${LABELS[0]}"
for v in "${!LABELS[@]}"; do
  wrong=0
  for r in $(seq 1 "$ROUNDS"); do wrong=$(( wrong + ${S[$v,$r,wrong]:-0} )); done
  printf '%-28s %10.0f %8.0f %11.1f %7d %13.2fx\n' "${LABELS[$v]}" "$(over_rounds "$v" rps)" \
    "$(over_rounds "$v" p50_us)" "$(over_rounds "$v" cpu_us)" "$wrong" "$(over_rounds "$v" rps 0)"
done
