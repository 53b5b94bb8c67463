#!/usr/bin/env bash
# Startup to first answer: from the start of `java -jar sockmapd.jar run` on the embedded default
# (a fresh temp copy of examples/quickstart.json, so every run also seeds its SQLite file) until
# the first socketmap lookup is answered. Polls with bash's /dev/tcp, which costs milliseconds,
# not a JVM per probe. Repeated RUNS times; prints each and the median.
#
#   benchmarks/startup.sh
#   RUNS=9 benchmarks/startup.sh
#   CDS_ARCHIVE=/tmp/sockmapd.jsa benchmarks/startup.sh   # with an application class-data archive
#
# With CDS_ARCHIVE set, a missing archive is first created by one training run (start, answer
# one lookup, stop, with -XX:ArchiveClassesAtExit), then every measured run uses it
# (-XX:SharedArchiveFile). The archive fits only the jar and JDK it was made with.
#
# Target: at most 1.5 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

RUNS=${RUNS:-5}
JAVA_OPTS=${JAVA_OPTS:--Xmx64m}
LIMIT_MS=${LIMIT_MS:-1500}

bench_make_workdir
bench_ensure_jar

# shellcheck disable=SC2206 # JAVA_OPTS is a list of options
options=($JAVA_OPTS)
if [ -n "${CDS_ARCHIVE:-}" ]; then
  if [ ! -f "$CDS_ARCHIVE" ]; then
    echo "creating the class-data archive $CDS_ARCHIVE (one training run)"
    bench_start_daemon "$WORK/training" "${options[@]}" -XX:ArchiveClassesAtExit="$CDS_ARCHIVE"
    bench_stop_daemon
  fi
  options+=(-XX:SharedArchiveFile="$CDS_ARCHIVE")
fi

times=()
cpus=()
for run in $(seq 1 "$RUNS"); do
  bench_start_daemon "$WORK/run$run" "${options[@]}"
  ms=$ELAPSED_MS
  cpu=$(bench_cpu_ms "$DAEMON_PID")
  bench_stop_daemon
  times+=("$ms")
  cpus+=("$cpu")
  echo "run $run: $ms ms (CPU time used by then: $cpu ms)"
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
median=$(median "${times[@]}")
echo "daemon options: ${options[*]}"
echo "startup to first answer, median of $RUNS: $median ms (CPU time $(median "${cpus[@]}") ms)"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
if [ "$median" -gt "$LIMIT_MS" ]; then
  echo "FAIL: over $LIMIT_MS ms"
  exit 1
fi
echo "PASS: at most $LIMIT_MS ms"
