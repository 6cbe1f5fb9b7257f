#!/usr/bin/env bash
# Brings the whole suite up on this machine: infrastructure, build, services (they run the Flyway
# migrations), sample data on first start, then prints the URLs.
#   deploy/local/run.sh [small|large]     (default small; large takes about two minutes to generate)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCALE=${1:-small}
case $SCALE in small|large) ;; *) echo "usage: $0 [small|large]" >&2; exit 2 ;; esac

"$ROOT/deploy/local/infra.sh" up
# shellcheck disable=SC1090
source "$("$ROOT/deploy/local/infra.sh" env)"
export SHOP_DB_HOST SHOP_DB_PORT
if "$ROOT/deploy/local/services.sh" any-running; then
  # Rebuilding would rewrite the jars of the running JVMs, which load classes from them until they exit (seen: a
  # catalog-service that could then never finish stopping).
  echo "[run] services already running: not rebuilding under them (./shop down, then ./shop up, runs a new build)"
else
  echo "[run] building (./mvnw package, tests skipped: ./shop test runs them)"
  "$ROOT/mvnw" -B -q -DskipTests package
fi
"$ROOT/deploy/local/services.sh" start

generated=$(psql -X -At -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT" -U "${SHOP_DB_USER:-postgres}" -d "${SHOP_DB_NAME:-shop}" \
  -c "SELECT scale FROM datagen.generated LIMIT 1")
if [[ $generated != "$SCALE" ]]; then
  "$ROOT/deploy/local/generate-data.sh" "$SCALE"
else
  echo "[run] the shop database already holds the $SCALE dataset"
fi

cat <<URLS

The suite is up.
  catalog-service  http://127.0.0.1:8081   e.g. curl 'http://127.0.0.1:8081/products/featured'
                                                curl 'http://127.0.0.1:8081/products?q=laptop&maxPrice=800'
                                                curl 'http://127.0.0.1:8081/products/42'
                   Swagger UI http://127.0.0.1:8081/q/swagger-ui   metrics http://127.0.0.1:8081/q/metrics
  order-service    http://127.0.0.1:8082   Swagger UI http://127.0.0.1:8082/q/swagger-ui
                   admin token: curl -XPOST 127.0.0.1:8082/dev/tokens -H 'Content-Type: application/json' -d '{"userId":1,"roles":["admin"]}'
  cache-invalidator http://127.0.0.1:8083  metrics http://127.0.0.1:8083/q/metrics
Stop everything with ${SHOP_SERVERS:+SHOP_SERVERS=$SHOP_SERVERS }./shop down.
URLS
