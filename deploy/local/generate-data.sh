#!/usr/bin/env bash
# Fills the shop database with deterministic generated data, inside PostgreSQL (datagen.generate).
#   deploy/local/generate-data.sh [small|large] [database]
# small: ~20k products, seconds. large: 100k products, 400k variants, 2M reviews, 100k users, 1M orders
# (10 power users with 6,000 orders each), about two minutes on a 2-core machine. Replaces existing data.
# The schema comes from the services' Flyway migrations: start catalog-service once before (deploy/local/run.sh does).
set -euo pipefail
SCALE=${1:-small}
case $SCALE in small|large) ;; *) echo "usage: $0 [small|large] [database]" >&2; exit 2 ;; esac
DB=${2:-${SHOP_DB_NAME:-shop}}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "${SHOP_DB_HOST:-127.0.0.1}" -p "${SHOP_DB_PORT:-5432}" -U "${SHOP_DB_USER:-postgres}" -d "$DB")
if [[ -z $("${PSQL[@]}" -Atc "SELECT 1 FROM pg_namespace WHERE nspname = 'datagen'") ]]; then
  echo "[datagen] database $DB has no schema yet: start catalog-service once (it runs the migrations)" >&2
  exit 1
fi
# psql prints the procedure's NOTICE lines as they come: that is the progress report.
"${PSQL[@]}" -c "CALL datagen.generate('$SCALE')" 2>&1 | sed -u 's/^NOTICE:  //'
