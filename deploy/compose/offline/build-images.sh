#!/usr/bin/env bash
# Builds the images docker-compose.yml pulls, for a machine whose Docker cannot reach a container registry, from a
# Debian base made with debootstrap and Debian's packages; tagged shop-offline/*, so nobody takes them for the
# official images. deploy/compose/offline.yml points the compose file at them:
#
#   deploy/compose/offline/build-images.sh
#   docker compose -f docker-compose.yml -f deploy/compose/offline.yml up --build
#
# Grafana and k6 have no Debian package and are not built: offline.yml keeps them out (profile "registry").
# Needs: a running Docker engine with buildx, debootstrap (apt-get install debootstrap), root for debootstrap.
# Idempotent: an image that exists is kept (SHOP_OFFLINE_REBUILD=1 rebuilds them all).
#   SHOP_DEBIAN_MIRROR   the Debian mirror (default: the first one in /etc/apt, else deb.debian.org)
#   SHOP_EXTRA_CA_DIR    certificates (*.crt) the build image trusts besides Debian's (default: the host's
#                        /usr/local/share/ca-certificates, for HTTPS through a re-signing proxy; none if absent)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$ROOT/deploy/compose/offline
WORK=${SHOP_OFFLINE_WORK_DIR:-$ROOT/.local-state/compose/offline}
log() { printf '[offline-images] %s\n' "$*"; }

mirror() {
  [[ -n ${SHOP_DEBIAN_MIRROR:-} ]] && { echo "$SHOP_DEBIAN_MIRROR"; return; }
  local m
  m=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -n 1 | tr -d ' ' || true)
  echo "${m:-http://deb.debian.org/debian}"
}

exists() { docker image inspect "$1" >/dev/null 2>&1 && [[ ${SHOP_OFFLINE_REBUILD:-0} != 1 ]]; }

base_image() {
  local tag=shop-offline/debian:bookworm
  if exists "$tag"; then log "$tag: present"; return; fi
  command -v debootstrap >/dev/null || { log "ERROR: debootstrap is missing: apt-get install debootstrap"; exit 1; }
  local m rootfs=$WORK/rootfs
  m=$(mirror)
  log "$tag: debootstrap --variant=minbase bookworm from $m (about a minute)"
  rm -rf "$rootfs"
  mkdir -p "$WORK"
  debootstrap --variant=minbase bookworm "$rootfs" "$m" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 20 "$WORK/debootstrap.log" >&2; log "ERROR: debootstrap failed ($WORK/debootstrap.log)"; exit 1; }
  # Security and point-release updates too, as the official Debian images have.
  cat >"$rootfs/etc/apt/sources.list" <<LIST
deb $m bookworm main
deb $m bookworm-updates main
deb ${m%/debian*}/debian-security bookworm-security main
LIST
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -c . | docker import - "$tag" >/dev/null
  rm -rf "$rootfs"
  log "$tag: imported"
}

build() { # tag context dockerfile [build args...]
  local tag=$1 context=$2 dockerfile=$3
  shift 3
  if exists "$tag"; then log "$tag: present"; return; fi
  log "$tag: building"
  docker buildx build --progress=plain --load -t "$tag" -f "$dockerfile" "$@" "$context" >"$WORK/build-${tag//[\/:]/_}.log" 2>&1 \
    || { tail -n 30 "$WORK/build-${tag//[\/:]/_}.log" >&2; log "ERROR: building $tag failed"; exit 1; }
  log "$tag: built ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1 / 1e6}'))"
}

mkdir -p "$WORK"
# The build image's context: extra-ca/ with the certificates to trust (Docker 20.10 has no named build contexts).
ca_dir=${SHOP_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
[[ -d $ca_dir ]] || ca_dir=$HERE/extra-ca
rm -rf "$WORK/jdk-context" && mkdir -p "$WORK/jdk-context/extra-ca"
find "$ca_dir" -maxdepth 1 -name '*.crt' -exec cp {} "$WORK/jdk-context/extra-ca/" \;
base_image
build shop-offline/jdk:17 "$WORK/jdk-context" "$HERE/jdk/Dockerfile"
build shop-offline/jre:17 "$HERE/jre" "$HERE/jre/Dockerfile"
build shop-offline/postgres:15 "$HERE/postgres" "$HERE/postgres/Dockerfile"
build shop-offline/redis:7 "$HERE/redis" "$HERE/redis/Dockerfile"
build shop-offline/nginx:bookworm "$HERE/nginx" "$HERE/nginx/Dockerfile"
build shop-offline/prometheus:bookworm "$HERE/prometheus" "$HERE/prometheus/Dockerfile"
build shop-offline/postgres-exporter:bookworm "$HERE/postgres-exporter" "$HERE/postgres-exporter/Dockerfile"
build shop-offline/redis-exporter:bookworm "$HERE/redis-exporter" "$HERE/redis-exporter/Dockerfile"
build shop-offline/kafka:4.3.1 "$ROOT" "$HERE/kafka/Dockerfile"
log "all offline images present"
