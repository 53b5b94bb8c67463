#!/usr/bin/env bash
# Builds the local base images that CI's container steps use, from Debian packages: the machines
# that run CI reach Debian's mirror but no public image registry. Each image is built once and
# reused (docker keeps it). Users with a normal Docker setup never need this: the Dockerfile's
# default base is a public JRE image.
#
#   local/debian-jre:bookworm       JRE only: the base of the sockmapd image in CI
#   local/debian-services:bookworm  PostgreSQL, MariaDB and Postfix: the compose example's and the
#                                   container tests' database and MTA containers
#
# Needs root, docker.io and debootstrap. Starts dockerd (vfs: no overlayfs here) when no engine
# answers.
set -euo pipefail
log() { printf '== %s\n' "$*"; }

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  # A pid file left by a dockerd that died with its machine keeps a new one from starting.
  pgrep -x dockerd >/dev/null || rm -f /var/run/docker.pid
  # start-stop-daemon closes every inherited descriptor: a dockerd holding the caller's pipe
  # would keep a caller that reads this script's output waiting.
  start-stop-daemon --start --oknodo --background --output /var/log/dockerd.log \
    --exec "$(command -v dockerd)" -- --storage-driver=vfs
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null
fi

# The mirror apt is configured with (deb822 sources first, then the classic list).
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources" >&2; exit 1; }

# Stored as the import's commit message: an image whose message differs was made by an older
# version of this script and is made again. Format 2: the root directory is 0755 (mktemp's 0700
# left / unreadable to every non-root user: the sockmapd image's, postgres, postfix).
format="sockmapd base image, format 2"

build() {
  local name=$1 include=$2 dir
  if [ "$(docker image inspect -f '{{.Comment}}' "$name" 2>/dev/null)" = "$format" ]; then
    log "$name: present"
    return
  fi
  log "$name: debootstrap from $mirror"
  dir=$(mktemp -d)
  chmod 0755 "$dir"
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" RETURN
  debootstrap --variant=minbase --include="$include" bookworm "$dir" "$mirror" >/dev/null
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import --message "$format" - "$name" >/dev/null
  log "$name: built"
}

build local/debian-jre:bookworm openjdk-17-jre-headless,ca-certificates
build local/debian-services:bookworm \
  postgresql,mariadb-server,postfix,postfix-pgsql,postfix-mysql,netcat-openbsd,procps,ca-certificates
