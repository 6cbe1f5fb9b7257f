#!/usr/bin/env bash
# ./shop test [maven args]: starts the tests' own servers (deploy/local/infra.sh with SHOP_SERVERS=private: a
# PostgreSQL cluster, a Redis and a Kafka broker in .local-state/test on free ports), runs ./mvnw verify against
# them, and stops them again. Every run starts them empty (infra.sh reset): what an earlier run left, even one killed
# halfway, cannot change this one's results. SHOP_KEEP_TEST_SERVERS=1 keeps them running and filled for the next run
# (a developer's quick loop; the tests tolerate what earlier runs left, but only the empty start is what CI proves).
# The machine's servers are never used, stopped or reconfigured.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR=${SHOP_TEST_STATE_DIR:-$ROOT/.local-state/test}
TOOLS_DIR=$ROOT/.local-state/tools
infra() { SHOP_SERVERS=private SHOP_STATE_DIR=$STATE_DIR "$ROOT/deploy/local/infra.sh" "$@"; }

# promtool, Prometheus and the PostgreSQL and Redis exporters, which the monitoring tests run: Debian's packages,
# downloaded and unpacked into .local-state/tools (apt-get download, dpkg -x). Nothing is installed on the
# machine and no maintainer script runs, so no daemon of theirs is started. Once per clone.
monitoring_tools() {
  local packages=(prometheus prometheus-postgres-exporter prometheus-redis-exporter)
  if [[ -x $TOOLS_DIR/usr/bin/promtool && -x $TOOLS_DIR/usr/bin/prometheus-postgres-exporter \
        && -x $TOOLS_DIR/usr/bin/prometheus-redis-exporter ]]; then
    return
  fi
  echo "[test] fetching ${packages[*]} (Debian packages, unpacked into $TOOLS_DIR, not installed)"
  mkdir -p "$TOOLS_DIR/debs"
  rm -f "$TOOLS_DIR"/debs/*.deb
  (cd "$TOOLS_DIR/debs" && apt-get download "${packages[@]}" </dev/null >"$TOOLS_DIR/download.log" 2>&1) || {
    cat "$TOOLS_DIR/download.log" >&2
    echo "[test] ERROR: could not download ${packages[*]}; the package lists may be missing (apt-get update)" >&2
    exit 1
  }
  local deb
  for deb in "$TOOLS_DIR"/debs/*.deb; do dpkg -x "$deb" "$TOOLS_DIR"; done
}

# Service JVMs that the system tests start carry this clone's path as a marker; any left by a test JVM that died
# is stopped here (another clone's are not).
stop_leftover_clusters() { pkill -f -- "-Dshop.harness-cluster=$ROOT " 2>/dev/null || true; }
monitoring_tools
export PATH=$TOOLS_DIR/usr/bin:$PATH
stop_leftover_clusters
if [[ ${SHOP_KEEP_TEST_SERVERS:-0} != 1 ]]; then
  infra reset
fi
infra up
if [[ ${SHOP_KEEP_TEST_SERVERS:-0} == 1 ]]; then
  trap stop_leftover_clusters EXIT
else
  trap 'stop_leftover_clusters; infra down' EXIT
fi
# shellcheck disable=SC1091
source "$STATE_DIR/servers.env"
# What the tests read: application.properties (%test profile) and io.shop.common.testing.TestServers.
export SHOP_TEST_STATE_DIR=$STATE_DIR SHOP_TEST_DB_PORT=$SHOP_DB_PORT SHOP_TEST_REDIS_PORT=$SHOP_REDIS_PORT \
  SHOP_TEST_KAFKA_PORT=$SHOP_KAFKA_PORT
# A deployment's settings in this shell must not point the tests elsewhere.
unset SHOP_DB_HOST SHOP_DB_PORT SHOP_DB_NAME SHOP_REDIS_URL SHOP_KAFKA_BOOTSTRAP_SERVERS SHOP_SERVERS SHOP_STATE_DIR
"$ROOT/mvnw" -B verify "$@" </dev/null
