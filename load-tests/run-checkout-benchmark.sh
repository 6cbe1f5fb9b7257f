#!/usr/bin/env bash
# The checkout benchmark (see "Measured results" in README.md): pgbench TPC-B on the suite's PostgreSQL, then
# checkout at 16 and 64 clients over spread variants and over one hot product, with the ratio to pgbench, and each
# service's CPU, resident memory and start time. Section 5 of ./shop bench runs the same on the large dataset.
#   load-tests/run-checkout-benchmark.sh [--duration=20]      (SHOP_SERVERS=private: on the private servers)
# Brings the suite up (./shop up, the dataset it already has, else small). Results: load-tests/results/checkout.md
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# pgbench ships with PostgreSQL's server package; this script installs nothing. On the machine's PostgreSQL (the
# default) it adds one database, shop_pgbench, as ./shop up adds shop; SHOP_SERVERS=private keeps it off the machine.
command -v pgbench >/dev/null || { echo "pgbench not found: it comes with the PostgreSQL server package" >&2; exit 1; }
"$ROOT/deploy/local/infra.sh" up >/dev/null
# shellcheck disable=SC1090
source "$("$ROOT/deploy/local/infra.sh" env)"
scale=$(psql -X -At -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT" -U postgres -d shop \
  -c "SELECT scale FROM datagen.generated LIMIT 1" 2>/dev/null || true)
"$ROOT/deploy/local/run.sh" "${scale:-small}"
"$ROOT/mvnw" -B -q -pl load-tests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cd "$ROOT"
exec java -Xms256m -Xmx256m -XX:+UseSerialGC -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" \
  io.shop.bench.CheckoutBenchmark --jdbc="jdbc:postgresql://$SHOP_DB_HOST:$SHOP_DB_PORT/shop?user=postgres" "$@"
