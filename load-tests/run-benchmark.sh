#!/usr/bin/env bash
# The before/after benchmark on the large dataset (see "Measured results" in README.md):
#   load-tests/run-benchmark.sh [--duration=20] [--clients=50] [--checkout-rate=100] [--before-runs=10]
# Brings the suite up with the large dataset if needed (./shop up large), builds the seed-shaped baseline
# schema once per dataset, then runs the harness. Results: load-tests/results/latest.md and latest.svg.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

"$ROOT/deploy/local/run.sh" large
# The servers run.sh used (the machine's, or SHOP_SERVERS=private's own), exported for the harness: it starts a
# catalog instance with the cache off beside the suite, for the uncached column.
set -a
# shellcheck disable=SC1090
source "$("$ROOT/deploy/local/infra.sh" env)"
set +a
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT" -U postgres -d shop)
baseline=$("${PSQL[@]}" -At -c "SELECT coalesce((SELECT b.generated_at = g.generated_at FROM seed_baseline.built_from b, datagen.generated g), false)" 2>/dev/null || echo f)
if [[ $baseline != t ]]; then
  "${PSQL[@]}" -f "$ROOT/load-tests/sql/seed_baseline.sql"
fi
echo "[bench] VACUUM ANALYZE, so both sides run with fresh statistics and visibility maps"
"${PSQL[@]}" -c "VACUUM ANALYZE"
"$ROOT/mvnw" -B -q -pl load-tests -am -DskipTests install >/dev/null
"$ROOT/mvnw" -B -q -pl load-tests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cd "$ROOT"
# Its own small JVM with the serial collector: in an open model a pause of the load generator would be
# counted as service latency, and a small heap keeps its young collections well under a millisecond.
exec java -Xms256m -Xmx256m -XX:+UseSerialGC -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" \
  io.shop.bench.Benchmark --jdbc="jdbc:postgresql://$SHOP_DB_HOST:$SHOP_DB_PORT/shop?user=postgres" "$@"
