#!/usr/bin/env bash
# The cache benchmark (see "Measured results" in README.md): hit ratio per level on a Zipf-like read mix, product
# page cached vs uncached, staleness checker and invalidation lag under writes, invalidator outage.
#   load-tests/run-cache-benchmark.sh [small|large]     (default: whatever ./shop up loaded, else small)
#   SHOP_SERVERS=private ./shop bench-cache small       on a PostgreSQL, Redis and Kafka of its own
# Needs the infrastructure (./shop up starts it); starts its own service instances on free ports.
# Options as system properties: BENCH_OPTS="-Dbench.writes=200 -Dbench.mix-reads=120000"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/deploy/local/infra.sh" up
# The servers infra.sh runs (the machine's, or with SHOP_SERVERS=private a set of our own): the harness reads these.
# shellcheck disable=SC1090
source "$("$ROOT/deploy/local/infra.sh" env)"
export SHOP_DB_PORT SHOP_REDIS_PORT SHOP_KAFKA_PORT
migrated=$(psql -X -At -h 127.0.0.1 -p "$SHOP_DB_PORT" -U postgres -d shop \
  -c "SELECT to_regprocedure('datagen.ensure(text)') IS NOT NULL" 2>/dev/null || true)
if [[ $migrated != t ]]; then
  # A database the suite has never run on (a new private set): ./shop up migrates it and loads the dataset; its
  # services are stopped again, as they were, so that only the benchmark's own cluster works on the events.
  echo "[cache-bench] no suite schema in this database yet: ./shop up ${1:-small} first"
  "$ROOT/deploy/local/run.sh" "${1:-small}"
  "$ROOT/deploy/local/services.sh" stop
elif [[ -n ${1:-} ]]; then
  psql -X -q -h 127.0.0.1 -p "$SHOP_DB_PORT" -U postgres -d shop -c "CALL datagen.ensure('$1')" 2>&1 | sed -u 's/^NOTICE:  //'
fi
if "$ROOT/deploy/local/services.sh" any-running; then
  # Not under running JVMs, which load classes from their jars (see deploy/local/run.sh): the clusters start from
  # the jars ./shop up built.
  echo "[cache-bench] ./shop up's services are running: starting the clusters from the services as built"
  "$ROOT/mvnw" -B -q -pl load-tests -am -DskipTests install >/dev/null
else
  echo "[cache-bench] building the services"
  "$ROOT/mvnw" -B -q -DskipTests install >/dev/null
fi
"$ROOT/mvnw" -B -q -pl load-tests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cd "$ROOT"
exec java -Xms256m -Xmx256m -XX:+UseSerialGC ${BENCH_OPTS:-} -Dshop.repo="$ROOT" \
  -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" io.shop.bench.CacheBenchmark
