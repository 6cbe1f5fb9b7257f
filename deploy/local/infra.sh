#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL and Redis as local services, plus a real Apache Kafka
# broker (KRaft, single node) run from the jars Maven resolves. Idempotent: what is already up is left alone.
#
#   deploy/local/infra.sh up       make sure PostgreSQL, Redis and Kafka accept connections
#   deploy/local/infra.sh down     stop the Kafka broker this script started (PostgreSQL and Redis stay)
#   deploy/local/infra.sh status   one line per server
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR=${SHOP_STATE_DIR:-$ROOT/.local-state}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
REDIS_PORT=${REDIS_PORT:-6379}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_DIR=$STATE_DIR/kafka

log() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() { # host port name seconds
  local i
  for ((i = 0; i < $4 * 10; i++)); do
    port_open "$1" "$2" && return 0
    sleep 0.1
  done
  die "$3 did not accept connections on $1:$2 within $4 s"
}

# The newest installed cluster version, e.g. 15 (Debian's layout: /etc/postgresql/<version>/main).
pg_version() { ls /etc/postgresql | sort -V | tail -n 1; }

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

postgres_up() {
  command -v psql >/dev/null || die "psql not found: install the Debian package 'postgresql' (and 'postgresql-contrib' on older releases)"
  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running and not installed: apt-get install postgresql"
    log "starting PostgreSQL $(pg_version)"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start
    wait_port "$PG_HOST" "$PG_PORT" PostgreSQL 30
  fi
  # pg_stat_statements feeds the query analyzer and the query-count checks; it must be preloaded.
  if [[ $(psql_admin -d postgres -Atc "SHOW shared_preload_libraries") != *pg_stat_statements* ]]; then
    log "enabling pg_stat_statements (restarts PostgreSQL once)"
    psql_admin -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
      -c "ALTER SYSTEM SET log_min_duration_statement = '200ms'"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main restart
    wait_port "$PG_HOST" "$PG_PORT" PostgreSQL 30
    until pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; do sleep 0.2; done
  fi
  local db
  for db in shop shop_test; do
    if [[ -z $(psql_admin -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
      log "creating database $db"
      psql_admin -d postgres -c "CREATE DATABASE $db"
    fi
  done
  log "PostgreSQL ready on $PG_HOST:$PG_PORT (databases shop, shop_test)"
}

redis_up() {
  if ! port_open 127.0.0.1 "$REDIS_PORT"; then
    command -v redis-server >/dev/null || die "Redis is not running and not installed: apt-get install redis-server"
    log "starting Redis"
    mkdir -p "$STATE_DIR/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis/redis.log"
    wait_port 127.0.0.1 "$REDIS_PORT" Redis 10
  fi
  log "Redis ready on 127.0.0.1:$REDIS_PORT"
}

kafka_classpath() {
  if [[ ! -f $KAFKA_DIR/libs/.complete ]]; then
    log "resolving the Kafka broker jars with Maven"
    mkdir -p "$KAFKA_DIR/libs"
    "$ROOT/mvnw" -B -q -f "$ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$KAFKA_DIR/libs"
    touch "$KAFKA_DIR/libs/.complete"
  fi
}

kafka_up() {
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "Kafka ready on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  command -v java >/dev/null || die "java not found: apt-get install openjdk-17-jdk-headless"
  kafka_classpath
  mkdir -p "$KAFKA_DIR/data"
  cat > "$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  local cp="$KAFKA_DIR/libs/*"
  if [[ ! -f $KAFKA_DIR/data/meta.properties ]]; then
    log "formatting Kafka storage (KRaft)"
    java -cp "$cp" kafka.tools.StorageTool format -t "shop-local-kraft-cluster" \
      -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "Kafka storage format failed"; }
  fi
  log "starting Kafka broker (KRaft) on 127.0.0.1:$KAFKA_PORT"
  nohup java -Xms256m -Xmx512m -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$KAFKA_DIR/kafka.log" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  disown || true
  wait_port 127.0.0.1 "$KAFKA_PORT" Kafka 60
  log "Kafka ready on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_DIR/kafka.log)"
}

# promtool, Prometheus and the PostgreSQL and Redis exporters, from Debian's packages: the monitoring tests run them.
monitoring_tools() {
  local packages=(prometheus prometheus-postgres-exporter prometheus-redis-exporter)
  if command -v promtool >/dev/null && command -v prometheus-postgres-exporter >/dev/null \
      && command -v prometheus-redis-exporter >/dev/null; then
    return
  fi
  command -v apt-get >/dev/null || die "install ${packages[*]} (Debian packages) for the monitoring tests"
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; } \
    || die "could not install ${packages[*]}"
}

kafka_down() {
  if [[ -f $KAFKA_DIR/kafka.pid ]] && kill -0 "$(cat "$KAFKA_DIR/kafka.pid")" 2>/dev/null; then
    log "stopping Kafka"
    kill "$(cat "$KAFKA_DIR/kafka.pid")"
    while kill -0 "$(cat "$KAFKA_DIR/kafka.pid")" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$KAFKA_DIR/kafka.pid"
  log "Kafka stopped"
}

status() {
  local name host port
  for entry in "PostgreSQL $PG_HOST $PG_PORT" "Redis 127.0.0.1 $REDIS_PORT" "Kafka 127.0.0.1 $KAFKA_PORT"; do
    read -r name host port <<<"$entry"
    if port_open "$host" "$port"; then log "$name up on $host:$port"; else log "$name DOWN on $host:$port"; fi
  done
}

case "${1:-up}" in
  up) postgres_up; redis_up; kafka_up; monitoring_tools ;;
  down) kafka_down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
