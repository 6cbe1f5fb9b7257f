#!/usr/bin/env bash
# Starts and stops the suite's services as local JVM processes (built jars under */target/quarkus-app).
#   deploy/local/services.sh start|stop|status|any-running
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR=${SHOP_STATE_DIR:-$ROOT/.local-state}
LOGS=$STATE_DIR/logs
# The servers deploy/local/infra.sh started (the machine's, or a private set with SHOP_SERVERS=private).
SERVERS_ENV=$("$ROOT/deploy/local/infra.sh" env)
# name:port:heap, in start order. Heaps from measurement (./shop bench-checkout prints resident memory): the catalog
# holds the L1 caches; the serial collector has no concurrent threads, the cheapest choice on a 2-core machine.
SERVICES=(cache-invalidator:8083:128m catalog-service:8081:192m order-service:8082:192m)
JVM_OPTS=(-XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=192m -XX:+ExitOnOutOfMemoryError)

log() { printf '[services] %s\n' "$*"; }

running() { [[ -f $STATE_DIR/$1.pid ]] && kill -0 "$(cat "$STATE_DIR/$1.pid")" 2>/dev/null; }

start() {
  mkdir -p "$LOGS"
  [[ -f $SERVERS_ENV ]] || { log "no servers started: deploy/local/infra.sh up"; exit 1; }
  # shellcheck disable=SC1090
  source "$SERVERS_ENV"
  export SHOP_DB_HOST SHOP_DB_PORT SHOP_REDIS_URL=redis://127.0.0.1:$SHOP_REDIS_PORT \
    SHOP_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$SHOP_KAFKA_PORT
  local entry name port heap i
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name port heap <<<"$entry"
    if running "$name"; then
      log "$name already running (pid $(cat "$STATE_DIR/$name.pid"))"
      continue
    fi
    [[ -f $ROOT/$name/target/quarkus-app/quarkus-run.jar ]] || { log "$name is not built: ./mvnw -DskipTests package"; exit 1; }
    log "starting $name on :$port (log: $LOGS/$name.log)"
    # A local stack is a development deployment: it verifies, and may issue, tokens of the committed dev key
    # (dev-keys/, in no jar).
    SHOP_AUTH_PUBLIC_KEY_LOCATION=${SHOP_AUTH_PUBLIC_KEY_LOCATION:-$ROOT/dev-keys/publicKey.pem} \
    SHOP_AUTH_DEV_SIGNING_KEY_LOCATION=${SHOP_AUTH_DEV_SIGNING_KEY_LOCATION:-$ROOT/dev-keys/privateKey.pem} \
    SHOP_AUTH_DEV_TOKENS_ENABLED=${SHOP_AUTH_DEV_TOKENS_ENABLED:-true} \
      setsid java -Xms"$heap" -Xmx"$heap" "${JVM_OPTS[@]}" -jar "$ROOT/$name/target/quarkus-app/quarkus-run.jar" </dev/null >"$LOGS/$name.log" 2>&1 &
    echo $! >"$STATE_DIR/$name.pid"
    for ((i = 0; i < 120; i++)); do
      curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break
      running "$name" || { tail -n 30 "$LOGS/$name.log" >&2; log "$name exited"; exit 1; }
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null || { log "$name not ready after 60 s"; exit 1; }
    log "$name ready"
  done
}

stop() {
  local entry name i
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*}
    if running "$name"; then
      log "stopping $name"
      kill "$(cat "$STATE_DIR/$name.pid")"
      # A graceful stop takes seconds; one that hangs (seen: a JVM whose jars were rebuilt under it, waiting for ever
      # to load a class during shutdown) is killed after 30 s rather than waited for.
      for ((i = 0; i < 150; i++)); do running "$name" || break; sleep 0.2; done
      if running "$name"; then
        log "$name did not stop within 30 s: killing it (SIGKILL)"
        kill -KILL "$(cat "$STATE_DIR/$name.pid")" 2>/dev/null || true
        while running "$name"; do sleep 0.2; done
      fi
    fi
    rm -f "$STATE_DIR/$name.pid"
  done
}

status() {
  local entry name port heap
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name port heap <<<"$entry"
    if running "$name"; then log "$name up on :$port"; else log "$name down"; fi
  done
}

# Exit status 0 if any of the services runs.
any_running() {
  local entry
  for entry in "${SERVICES[@]}"; do
    running "${entry%%:*}" && return 0
  done
  return 1
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  any-running) any_running ;;
  *) echo "usage: $0 start|stop|status|any-running" >&2; exit 2 ;;
esac
