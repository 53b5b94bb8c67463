#!/usr/bin/env bash
# Builds the local stand-ins for the public postgres:15 and mariadb:10.11 images that the tests
# start through Testcontainers, on top of packaging/docker/base-images.sh's
# local/debian-services:bookworm. Only for machines that reach no image registry (CI); with a
# normal Docker setup the tests use the public images and this is not needed.
#
#   local/postgres:15      (SOCKMAPD_TEST_PG_IMAGE=local/postgres:15)
#   local/mariadb:10.11    (SOCKMAPD_TEST_MARIADB_IMAGE=local/mariadb:10.11)
#
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Skips an image whose label holds the hash of its folder: even a fully cached docker build
# takes minutes on a busy vfs engine (seen on CI machines), checking the label takes a second.
build() {
  local name=$1 dir=$here/$2 sum out
  sum=$(cd "$dir" && sha256sum ./* | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "io.sockmapd.context"}}' "$name" \
    2>/dev/null)" = "$sum" ]; then
    return
  fi
  # The legacy builder's deprecation notice goes to stderr: show it only when the build fails.
  out=$(docker build -q --label "io.sockmapd.context=$sum" -t "$name" "$dir" 2>&1) \
    || { printf '%s\n' "$out" >&2; exit 1; }
}
build local/postgres:15 postgres
build local/mariadb:10.11 mariadb
echo "== local/postgres:15 and local/mariadb:10.11 up to date"
