#!/usr/bin/env bash
# ./shop test [maven args]: starts the tests' own servers (deploy/local/infra.sh with SHOP_SERVERS=private: a
# PostgreSQL cluster, a Redis and a Kafka broker in .local-state/test on free ports), runs ./mvnw verify against
# them, and stops them again (SHOP_KEEP_TEST_SERVERS=1 keeps them for the next run). The machine's servers are
# never used, stopped or reconfigured.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR=${SHOP_TEST_STATE_DIR:-$ROOT/.local-state/test}
infra() { SHOP_SERVERS=private SHOP_STATE_DIR=$STATE_DIR "$ROOT/deploy/local/infra.sh" "$@"; }

# Service JVMs that the system tests start carry this clone's path as a marker; any left by a test JVM that died
# is stopped here (another clone's are not).
stop_leftover_clusters() { pkill -f -- "-Dshop.harness-cluster=$ROOT " 2>/dev/null || true; }
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
