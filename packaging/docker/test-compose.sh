#!/usr/bin/env bash
# CI test of the sockmapd image and of the compose example (docs/operations.md: "Run it in a container"):
#
# 1. builds the image from packaging/Dockerfile on the local JRE base image;
# 2. smoke test: the image's own config (the SQLite quick start) answers a lookup through a
#    published port, as the non-root user, and Docker reports the HEALTHCHECK healthy;
# 3. brings up examples/compose (PostgreSQL with PostfixAdmin tables, sockmapd, Postfix) and
#    speaks SMTP to Postfix from the host: a known recipient gets 250, an unknown one 550, both
#    get 4xx while the database container is stopped, and 250/550 again once it is back;
# 4. removes its containers, networks and volumes, also on failure.
#
# Needs root, docker.io, docker-compose and debootstrap (.ci/run installs them) and the jar
# (mvn -B package -DskipTests). Idempotent: leftovers of an earlier run are removed first. The
# images stay, so that the next run builds from the cache: local/* (base-images.sh),
# sockmapd:ci and sockmapd-example-services:ci (an older sockmapd:ci is removed when replaced).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '== test-compose: %s\n' "$*"; }
fail() {
  printf '== test-compose: FAILED: %s\n' "$*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (docker)"
command -v docker-compose >/dev/null || fail "needs docker-compose (apt-get install docker-compose)"
[ -f server/target/sockmapd.jar ] || fail "no server/target/sockmapd.jar; build: mvn -B package -DskipTests"

image=sockmapd:ci
services_image=sockmapd-example-services:ci
smoke=sockmapd-ci-smoke
project=sockmapd-ci
smtp_port=${SMTP_PORT:-2525}
export SOCKMAPD_IMAGE=$image SERVICES_IMAGE=$services_image SMTP_PORT=$smtp_port
export SERVICES_BASE_IMAGE=${SERVICES_BASE_IMAGE:-local/debian-services:bookworm}
compose() { docker-compose --ansi never -p "$project" -f examples/compose/compose.yaml "$@"; }

remove_containers() {
  docker rm -f -v "$smoke" >/dev/null 2>&1 || true
  compose down -v --remove-orphans -t 10 >/dev/null 2>&1 || true
}
cleanup() {
  status=$?
  if [ $status -ne 0 ]; then
    {
      echo "-- smoke container log:"
      docker logs --tail 40 "$smoke" 2>&1 || true
      echo "-- compose logs:"
      compose logs --no-color --tail 60 2>&1 || true
    } >&2
  fi
  remove_containers
  exit $status
}
trap cleanup EXIT

started=$SECONDS
bash packaging/docker/base-images.sh
remove_containers

# -- 1. the image ---------------------------------------------------------------------------
old_id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
log "building $image on local/debian-jre:bookworm"
t0=$SECONDS
docker build -q -f packaging/Dockerfile --build-arg BASE_IMAGE=local/debian-jre:bookworm \
  --label "org.opencontainers.image.version=$(java -jar server/target/sockmapd.jar --version | cut -d' ' -f2)" \
  --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  -t "$image" . >/dev/null
build_seconds=$((SECONDS - t0))
new_id=$(docker image inspect -f '{{.Id}}' "$image")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
size_mb=$(($(docker image inspect -f '{{.Size}}' "$image") / 1000000))
log "built $image in ${build_seconds}s, ${size_mb} MB"

[ "$(docker image inspect -f '{{.Config.User}}' "$image")" = 10001:10001 ] || fail "image does not run as 10001"
for label in title licenses version revision base.name; do
  value=$(docker image inspect -f "{{index .Config.Labels \"org.opencontainers.image.$label\"}}" "$image")
  [ -n "$value" ] || fail "OCI label org.opencontainers.image.$label missing"
done

# Sends one socketmap request to 127.0.0.1:PORT and prints the reply's payload (a netstring:
# length, ':', that many bytes, ','; the payload may hold commas).
socketmap_query() {
  local port=$1 request=$2 length reply LC_ALL=C
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%d:%s,' "${#request}" "$request" >&3
  if IFS= read -r -t 10 -d : length <&3 && [[ $length =~ ^[0-9]+$ ]] &&
    IFS= read -r -t 10 -N "$length" reply <&3; then
    exec 3>&-
    printf '%s\n' "$reply"
    return 0
  fi
  exec 3>&-
  return 1
}

# -- 2. smoke test: the quick start in the container --------------------------------------------
log "smoke test: the SQLite quick start in $image"
docker run -d --name "$smoke" --health-interval 2s -p 127.0.0.1::8732 "$image" >/dev/null
port=$(docker port "$smoke" 8732/tcp | head -n1)
port=${port##*:}
reply=
for _ in $(seq 1 60); do
  reply=$(socketmap_query "$port" "virtual info@example.com" 2>/dev/null) && break
  sleep 1
done
[ "$reply" = "OK alice@example.net,bob@example.net" ] || fail "quick start lookup answered '$reply'"
[ "$(docker exec "$smoke" id -u)" = 10001 ] || fail "the daemon does not run as UID 10001"
docker exec "$smoke" test -s /var/lib/sockmapd/quickstart.db || fail "no SQLite file in the data volume"
health=
for _ in $(seq 1 60); do
  health=$(docker inspect -f '{{.State.Health.Status}}' "$smoke")
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || fail "HEALTHCHECK status: $health"
# SIGTERM reaches java as PID 1 through the launcher's exec: a clean stop, not docker's SIGKILL.
docker stop -t 45 "$smoke" >/dev/null
code=$(docker inspect -f '{{.State.ExitCode}}' "$smoke")
case $code in
  0 | 143) ;;
  *) fail "docker stop: exit status $code (137: killed instead of stopped by SIGTERM)" ;;
esac
docker rm -v "$smoke" >/dev/null
log "smoke test passed: lookup answered, UID 10001, SQLite file in the volume, healthy, stopped by SIGTERM ($code)"

# -- 3. the compose example -----------------------------------------------------------------
# Sends EHLO, MAIL FROM and RCPT TO to Postfix through the published port; prints the RCPT reply.
smtp_rcpt() {
  local rcpt=$1 reply
  exec 4<>"/dev/tcp/127.0.0.1/$smtp_port" || return 1
  # The last line of a (possibly multi-line) reply.
  smtp_reply() {
    local line
    while IFS= read -r -t 30 line <&4; do
      line=${line%$'\r'}
      [[ $line =~ ^[0-9]{3}- ]] || {
        printf '%s\n' "$line"
        return 0
      }
    done
    return 1
  }
  if smtp_reply >/dev/null &&
    printf 'EHLO ci.example.org\r\n' >&4 && smtp_reply >/dev/null &&
    printf 'MAIL FROM:<ci@example.org>\r\n' >&4 && smtp_reply >/dev/null &&
    printf 'RCPT TO:<%s>\r\n' "$rcpt" >&4 && reply=$(smtp_reply); then
    printf 'QUIT\r\n' >&4
    exec 4>&-
    printf '%s\n' "$reply"
    return 0
  fi
  exec 4>&-
  return 1
}
# expect RCPT CODE_PATTERN: the RCPT reply must match at once.
expect() {
  local reply
  reply=$(smtp_rcpt "$1") || fail "RCPT TO:<$1>: no SMTP reply"
  [[ $reply =~ ^$2 ]] || fail "RCPT TO:<$1>: expected $2, got: $reply"
  log "RCPT TO:<$1>: $reply"
}
# eventually RCPT CODE_PATTERN SECONDS: retries while the reply is 4xx or missing; anything else
# (a 5xx for a known recipient, say) fails at once.
eventually() {
  local reply=
  for _ in $(seq 1 "$3"); do
    if reply=$(smtp_rcpt "$1" 2>/dev/null); then
      [[ $reply =~ ^$2 ]] && {
        log "RCPT TO:<$1>: $reply"
        return 0
      }
      [[ $reply =~ ^4 ]] || fail "RCPT TO:<$1>: expected $2, got: $reply"
    fi
    sleep 1
  done
  fail "RCPT TO:<$1>: no $2 within $3 s (last reply: ${reply:-none})"
}

log "building the example's PostgreSQL/Postfix image on $SERVICES_BASE_IMAGE"
old_id=$(docker image inspect -f '{{.Id}}' "$services_image" 2>/dev/null || true)
t0=$SECONDS
compose build -q postgres postfix
new_id=$(docker image inspect -f '{{.Id}}' "$services_image")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
log "bringing up examples/compose (project $project, SMTP on 127.0.0.1:$smtp_port)"
compose up -d --no-build
eventually alice@example.com 250 120
up_seconds=$((SECONDS - t0))
expect sales@example.com 250
expect bob@example.net 250
expect nobody@example.net 550
expect gone@old.example 5

log "stopping the database container"
compose stop postgres
# Without a cache in sockmapd.json every RCPT needs the database: from now on only 4xx is right.
expect bob@example.net 4
expect nobody@example.net 4

log "starting the database container again"
compose start postgres
# Recipients not tried during the outage: smtpd caches the resolved address, failure included,
# for the life of the process, so a recipient that got 451 from one smtpd process may keep
# getting it from that process for a while (Postfix's behaviour; the sender retries anyway).
eventually alice@example.com 250 120
expect nobody-else@example.net 550

compose down -v --remove-orphans -t 10
log "passed: image built in ${build_seconds}s (${size_mb} MB); example built, up and answering in" \
  "${up_seconds}s; whole test $((SECONDS - started))s"
