#!/usr/bin/env bash
# ./shop test-compose: the compose deployment, run for real as a user runs it, through its published ports.
#
# A Docker engine (deploy/compose/engine.sh: the running one, or Debian's started for the test and stopped after, the
# network put back), the images (the registry's, or deploy/compose/offline/build-images.sh's when no registry
# answers), then docker-compose.yml under its own project name and ports, so ./shop up and the machine's servers are
# untouched. Each step prints what it checked:
#   build; every container healthy; sample data; the README's examples through nginx (featured, search, product page,
#   a token, a checkout, order history); an admin price change seen by both catalog instances within the staleness
#   bound; Prometheus with every target up and the alert rules loaded; docker kill of one catalog under reads (nginx
#   keeps answering); docker compose restart kafka under checkouts (no event lost: outboxes drain and the cached page
#   shows the database's stock); down and up keep the data; down -v leaves nothing.
#
#   SHOP_COMPOSE_IMAGES   auto (default: registry if docker can pull postgres:15, else offline) | registry | offline
#   SHOP_COMPOSE_KEEP=1   leave the stack running at the end (and the engine)
#   SHOP_STALENESS_BOUND_MS   the bound the price change must meet (default: the catalog's, 3000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=$ROOT/.local-state/compose
PROJECT=${SHOP_COMPOSE_PROJECT:-shop-compose-test}
# Ports of their own: ./shop up uses 8081-8083 and 9090, the machine's PostgreSQL 5432.
export SHOP_CATALOG_PORT=${SHOP_CATALOG_PORT:-18081} SHOP_ORDERS_PORT=${SHOP_ORDERS_PORT:-18082} \
  SHOP_INVALIDATOR_PORT=${SHOP_INVALIDATOR_PORT:-18083} SHOP_POSTGRES_PORT=${SHOP_POSTGRES_PORT:-15433} \
  SHOP_PROMETHEUS_PORT=${SHOP_PROMETHEUS_PORT:-19090} SHOP_GRAFANA_PORT=${SHOP_GRAFANA_PORT:-13000}
BOUND_MS=${SHOP_STALENESS_BOUND_MS:-3000}
CATALOG=http://127.0.0.1:$SHOP_CATALOG_PORT
ORDERS=http://127.0.0.1:$SHOP_ORDERS_PORT
PROMETHEUS=http://127.0.0.1:$SHOP_PROMETHEUS_PORT
mkdir -p "$STATE"
# shellcheck source=deploy/compose/engine.sh
source "$ROOT/deploy/compose/engine.sh"

STEP=0
step() { STEP=$((STEP + 1)); printf '\n[compose-test] step %d: %s\n' "$STEP" "$*"; }
ok() { printf '[compose-test]   ok: %s\n' "$*"; }
fail() { printf '[compose-test]   FAILED: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

FILES=(-f "$ROOT/docker-compose.yml")
compose() { docker compose -p "$PROJECT" --project-directory "$ROOT" "${FILES[@]}" "$@"; }

# A long command with its output in a log, and a line of progress every 20 s.
logged() { # name command...
  local name=$1 log=$STATE/$1.log start=$SECONDS
  shift
  "$@" </dev/null >"$log" 2>&1 &
  local pid=$! last=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS - last >= 20)); then
      last=$SECONDS
      printf '[compose-test]   %s: %d s, %s\n' "$name" $((SECONDS - start)) "$(tail -n 1 "$log" | cut -c1-110)"
    fi
  done
  wait "$pid" || { tail -n 40 "$log" >&2; fail "$name (log: $log)"; }
  printf '[compose-test]   %s: done in %d s\n' "$name" $((SECONDS - start))
}

cleanup() {
  local rc=$?
  set +e
  if [[ ${SHOP_COMPOSE_KEEP:-0} == 1 ]]; then
    echo "[compose-test] SHOP_COMPOSE_KEEP=1: the stack ($PROJECT) and the engine stay up"
  else
    [[ $rc == 0 ]] || compose logs --no-color --tail 200 >"$STATE/containers.log" 2>&1
    [[ $rc == 0 ]] || echo "[compose-test] containers' last output: $STATE/containers.log"
    compose down -v --remove-orphans --timeout 10 >/dev/null 2>&1
    engine_down
  fi
  exit "$rc"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------------- helpers
# curl with the status last: body on stdout, "HTTP <status>" as the final line.
http() { curl -sS --max-time 15 -w '\nHTTP %{http_code}' "$@"; }
status_of() { tail -n 1 <<<"$1" | awk '{print $2}'; }
body_of() { sed '$d' <<<"$1"; }
expect() { # response status what
  [[ $(status_of "$1") == "$2" ]] || fail "$3: HTTP $(status_of "$1"), expected $2: $(body_of "$1" | head -c 400)"
}
# A product page read by one catalog instance itself (inside its container: only nginx is published).
instance_get() { # service path
  compose exec -T "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET $2 HTTP/1.0\r\n\r\n' >&3 && cat <&3" \
    | sed '1,/^\r$/d'
}
psql_shop() { compose exec -T postgres psql -U postgres -d shop -Atq -c "$1"; }
token() { # user-id roles-json
  local r
  r=$(http -XPOST "$ORDERS/dev/tokens" -H 'Content-Type: application/json' -d "{\"userId\":$1,\"roles\":$2}")
  expect "$r" 200 "POST /dev/tokens"
  body_of "$r" | jq -r .token
}
checkout() { # token variant-id -> status
  curl -s --max-time 15 -o /dev/null -w '%{http_code}' -XPOST "$ORDERS/orders" -H "Authorization: Bearer $1" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" -H 'Content-Type: application/json' \
    -d "{\"lines\":[{\"variantId\":$2,\"quantity\":1}]}"
}
wait_healthy() { # what
  local start=$SECONDS
  logged "up" compose up -d --wait --wait-timeout 420
  ok "$1: every container running and healthy in $((SECONDS - start)) s"
  compose ps --format 'table {{.Service}}\t{{.Status}}' | sed 's/^/[compose-test]     /'
}

# ------------------------------------------------------------------------------------------------- the test
for port in "$SHOP_CATALOG_PORT" "$SHOP_ORDERS_PORT" "$SHOP_INVALIDATOR_PORT" "$SHOP_POSTGRES_PORT" "$SHOP_PROMETHEUS_PORT"; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "port $port is taken: set SHOP_*_PORT (see the header)"
done

step "Docker engine and compose v2"
engine_up
compose_plugin
compose down -v --remove-orphans --timeout 5 >/dev/null 2>&1 || true   # what a killed run of this project left

step "images"
mode=${SHOP_COMPOSE_IMAGES:-auto}
if [[ $mode == auto ]]; then
  if timeout 30 docker pull -q postgres:15 >/dev/null 2>&1; then mode=registry; else mode=offline; fi
fi
if [[ $mode == offline ]]; then
  echo "[compose-test]   no container registry answers: images built from Debian's packages (shop-offline/*)"
  "$ROOT/deploy/compose/offline/build-images.sh"
  FILES+=(-f "$ROOT/deploy/compose/offline.yml")
fi
logged "build" compose build --progress=plain
ok "images: $(compose config --images | sort -u | while read -r i; do docker image inspect -f "$i {{.Size}}" "$i" \
  | awk '{printf "%s %d MB, ", $1, $2 / 1e6}'; done)"

step "docker compose up --wait"
wait_healthy "first start"

step "sample data (docker compose run --rm datagen small)"
logged "datagen" compose run --rm datagen small
products=$(psql_shop "SELECT count(*) FROM catalog.products")
((products > 0)) || fail "no products after datagen"
ok "$products products in PostgreSQL"

step "warm-up: each catalog instance answers a product page"
# A cold JVM on a busy machine can miss the page's 0.5 s leg timeout on its first reads (503 with Retry-After, as a
# client would be told to retry); counted here, then the steps below expect 200s.
cold=0
warm_id=$(psql_shop "SELECT min(id) FROM catalog.products WHERE is_active")
for service in catalog-1 catalog-2; do
  deadline=$((SECONDS + 60))
  until instance_get "$service" "/products/$warm_id" | jq -e .name >/dev/null 2>&1; do
    cold=$((cold + 1))
    ((SECONDS < deadline)) || fail "$service answers no product page 60 s after it was healthy"
    sleep 0.5
  done
done
ok "both instances answer product pages ($cold cold read(s) answered otherwise first)"

step "the README's examples through nginx ($CATALOG) and order-service ($ORDERS)"
r=$(http "$CATALOG/products/featured"); expect "$r" 200 "GET /products/featured"
featured=$(body_of "$r" | jq length); ((featured > 0)) || fail "no featured products"
ok "GET /products/featured: $featured products"
r=$(http "$CATALOG/products?q=shirt&limit=5"); expect "$r" 200 "GET /products?q=shirt"
ok "GET /products?q=shirt: $(body_of "$r" | jq '.items | length') hits"
# A product with a variant in stock, for the page, the checkouts and the price change.
read -r product variant <<<"$(psql_shop "SELECT v.product_id, v.id FROM catalog.product_variants v
  JOIN catalog.inventory i ON i.product_variant_id = v.id JOIN catalog.products p ON p.id = v.product_id
  WHERE p.is_active ORDER BY i.quantity_available DESC LIMIT 1" | tr '|' ' ')"
[[ -n $product && -n $variant ]] || fail "no active product with stock in PostgreSQL"
r=$(http "$CATALOG/products/$product"); expect "$r" 200 "GET /products/$product"
ok "GET /products/$product: $(body_of "$r" | jq -r .name), $(body_of "$r" | jq '.variants | length') variants"
r=$(http "$CATALOG/products/999999999"); expect "$r" 404 "GET /products/999999999"
ok "GET /products/999999999: 404 $(body_of "$r" | jq -r .title)"
customer=$(token 1 '["customer"]')
ok "POST /dev/tokens: a customer token"
[[ $(checkout "$customer" "$variant") == 201 ]] || fail "POST /orders did not answer 201"
ok "POST /orders: 201"
r=$(http "$ORDERS/orders?limit=5" -H "Authorization: Bearer $customer"); expect "$r" 200 "GET /orders"
placed=$(body_of "$r" | jq '.items | length'); ((placed >= 1)) || fail "the order is not in the history"
ok "GET /orders: $placed order(s) in the history"

step "an admin price change, seen by both catalog instances within ${BOUND_MS} ms"
admin=$(token 2 '["admin"]')
for service in catalog-1 catalog-2; do instance_get "$service" "/products/$product" | jq -e .price >/dev/null; done
old=$(instance_get catalog-1 "/products/$product" | jq -r .price)
new=$(awk -v p="$old" 'BEGIN { printf "%.2f", (p >= 999 ? p - 1 : p + 1) }')
# Each instance watches its own page from inside its container (every 20 ms) and prints the time it first shows the
# new price: containers share the host's clock, so that time compares with the moment the change was acknowledged.
watchers=()
for service in catalog-1 catalog-2; do
  docker exec "$(compose ps -q "$service")" timeout $(((BOUND_MS + 5000) / 1000)) bash -c "
    until exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /products/$product HTTP/1.0\r\n\r\n' >&3 \
          && grep -q '\"price\":$new[,}]' <&3; do sleep 0.02; done; date +%s%3N" >"$STATE/seen-$service.txt" &
  watchers+=($!)
done
sleep 1   # both watchers reading
r=$(http -XPATCH "$CATALOG/admin/products/$product" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"price\": $new}")
acked=$(now_ms)
expect "$r" 200 "PATCH /admin/products/$product"
wait "${watchers[@]}" || true   # (not a bare wait: a dockerd this script started is a child too)
for service in catalog-1 catalog-2; do
  seen=$(cat "$STATE/seen-$service.txt")
  [[ -n $seen ]] || fail "$service still showed $old $((BOUND_MS + 5000)) ms after the change"
  lag=$((seen > acked ? seen - acked : 0))   # 0: seen before the acknowledgement reached this script
  ((lag <= BOUND_MS)) || fail "$service showed $new only $lag ms after the change (bound $BOUND_MS ms)"
  ok "$service shows $new (was $old) $lag ms after the change was acknowledged"
done

step "Prometheus: every scrape target up, the alert rules loaded"
deadline=$((SECONDS + 60))
while :; do
  targets=$(curl -sS "$PROMETHEUS/api/v1/targets")
  down=$(jq -r '[.data.activeTargets[] | select(.health != "up") | .scrapeUrl] | join(" ")' <<<"$targets")
  [[ -z $down ]] && break
  ((SECONDS < deadline)) || fail "targets not up after 60 s: $down"
  sleep 2
done
ok "$(jq '.data.activeTargets | length' <<<"$targets") targets up: $(jq -r '[.data.activeTargets[].labels.job] | unique | join(", ")' <<<"$targets")"
rules=$(curl -sS "$PROMETHEUS/api/v1/rules")
alerts=$(jq '[.data.groups[].rules[] | select(.type == "alerting")] | length' <<<"$rules")
((alerts > 0)) || fail "no alert rules loaded"
ok "$alerts alert rules and $(jq '[.data.groups[].rules[] | select(.type == "recording")] | length' <<<"$rules") recording rules loaded"

step "docker kill of catalog-1 under reads: nginx keeps answering"
reads=$STATE/reads.txt
: >"$reads"
(end=$((SECONDS + 15)); while ((SECONDS < end)); do
  curl -s --max-time 15 -o /dev/null -w '%{http_code} %{time_total}\n' "$CATALOG/products/$product" >>"$reads"
  curl -s --max-time 15 -o /dev/null -w '%{http_code} %{time_total}\n' "$CATALOG/products/featured" >>"$reads"
done) &
readers=$!
sleep 4
docker kill "$(compose ps -q catalog-1)" >/dev/null
ok "catalog-1 killed (SIGKILL)"
wait "$readers" || true
total=$(wc -l <"$reads")
bad=$(grep -cv '^200 ' "$reads" || true)
((bad == 0)) || fail "$bad of $total reads did not answer 200 ($(cut -d' ' -f1 "$reads" | sort | uniq -c | tr '\n' ' '))"
ok "$total reads through nginx, all 200; the slowest took $(sort -k2 -n "$reads" | tail -n 1 | cut -d' ' -f2) s (a read sent to the killed instance waits for nginx's connect or read timeout, then the other answers)"
wait_healthy "catalog-1 back (restart: unless-stopped, or started again)"

step "docker compose restart kafka under checkouts: no event lost"
# Enough stock that every checkout of the window can succeed: a 409 would mean a bug, not a sold-out variant.
r=$(http -XPOST "$CATALOG/admin/products/$product/variants/$variant/restock" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"quantity": 10000}')
expect "$r" 200 "POST /admin/products/$product/variants/$variant/restock"
instance_get catalog-1 "/products/$product" >/dev/null   # cached pages, which only an event can correct
instance_get catalog-2 "/products/$product" >/dev/null
results=$STATE/checkouts.txt
: >"$results"
(end=$((SECONDS + 30)); while ((SECONDS < end)); do checkout "$customer" "$variant" >>"$results"; echo >>"$results"; done) &
buyers=$!
sleep 3
logged "kafka-restart" compose restart kafka
wait "$buyers" || true
placed=$(grep -c '^201$' "$results" || true)
others=$( (grep -Ev '^(201|503)$' "$results" || true) | sort | uniq -c | tr '\n' ' ')
[[ -z $others ]] || fail "checkouts answered other than 201 or 503: $others"
ok "$(wc -l <"$results") checkouts: $placed placed, $(grep -c '^503$' "$results" || true) answered 503 (Retry-After) while the broker was away"
deadline=$((SECONDS + 60))
until [[ $(psql_shop "SELECT (SELECT count(*) FROM orders.outbox) + (SELECT count(*) FROM catalog.outbox)") == 0 ]]; do
  ((SECONDS < deadline)) || fail "outbox rows still unpublished 60 s after the restart"
  sleep 1
done
ok "both outboxes drained: every event was published"
drained=$SECONDS
stock=$(psql_shop "SELECT quantity_available FROM catalog.inventory WHERE product_variant_id = $variant")
for service in catalog-1 catalog-2; do
  # While the broker was away the caches were bypassed (reads from PostgreSQL). Only once they are trusted again does
  # a right stock prove that the events arrived: a lost one would leave the old page cached and served.
  deadline=$((SECONDS + 120))
  # (grep without -q: -q would close the pipe early, and under pipefail the reader's SIGPIPE would fail the test)
  until instance_get "$service" /q/metrics | grep -E '^cache_bypassed(\{[^}]*\})? 0(\.0)?$' >/dev/null; do
    if ((SECONDS >= deadline)); then
      instance_get "$service" /q/metrics | grep -E '^cache_(bypassed|freshness_lag)' >&2
      compose logs --no-color --tail 30 cache-invalidator >&2
      fail "$service still bypasses its caches 120 s after the outboxes drained"
    fi
    sleep 0.5
  done
  ok "$service trusts its caches again $((SECONDS - drained)) s after the outboxes drained"
  deadline=$(($(now_ms) + BOUND_MS + 15000))
  until [[ $(instance_get "$service" "/products/$product" | jq ".variants[] | select(.id == $variant) | .quantityAvailable") == "$stock" ]]; do
    (($(now_ms) < deadline)) || fail "$service does not show the database's stock $stock"
    sleep 0.2
  done
  ok "$service shows the database's stock ($stock) from its trusted caches: the stock events reached them"
done

step "docker compose down, then up: the data is kept"
orders_before=$(psql_shop "SELECT count(*) FROM orders.orders")
logged "down" compose down --timeout 20
wait_healthy "after down and up"
r=$(http "$ORDERS/orders?limit=100" -H "Authorization: Bearer $customer"); expect "$r" 200 "GET /orders"
orders_after=$(psql_shop "SELECT count(*) FROM orders.orders")
((orders_after == orders_before)) || fail "$orders_before orders before down, $orders_after after"
r=$(http "$CATALOG/products/$product"); expect "$r" 200 "GET /products/$product"
[[ $(body_of "$r" | jq -r .price) == "$new" ]] || fail "the price change did not survive down and up"
ok "$orders_after orders (order history answers) and the changed price of $(body_of "$r" | jq -r .name) kept"

step "docker compose down -v: nothing left"
logged "down-v" compose down -v --timeout 20
left="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT") $(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT") $(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")"
[[ -z ${left// /} ]] || fail "left behind: $left"
ok "no container, volume or network of $PROJECT"
echo
echo "[compose-test] PASSED ($mode images, $SECONDS s)"
