#!/usr/bin/env bash
# The servers the suite needs, without Docker: PostgreSQL, Redis and a real Apache Kafka broker (KRaft, single node,
# run from the jars Maven resolves). Two kinds, chosen by SHOP_SERVERS:
#
#   machine  (./shop up, the default) the machine's PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379), started
#            if they are down; a Kafka broker of ours on 127.0.0.1:9092.
#   private  (./shop test, in .local-state/test; SHOP_SERVERS=private ./shop up, in .local-state/private) a PostgreSQL cluster, a Redis and a Kafka broker of our own, initialised in the state
#            directory from the installed binaries, on free ports. Nothing of the machine's servers is touched, so
#            tests may stop, kill or freeze these, and two clones can test at the same time.
#
# Every server is started in a session of its own (setsid) with its standard streams on files, never inheriting
# the caller's (a test JVM's streams are surefire's command channel). Idempotent: what is up is left alone.
# What runs where is written to $SHOP_STATE_DIR/servers.env (SHOP_DB_PORT, SHOP_REDIS_PORT, SHOP_KAFKA_PORT, ...).
#
#   infra.sh up | down | reset | status | env     (reset: down, then delete the private servers' data; env: prints
#                                                  the path of servers.env)
#   infra.sh start|stop|kill|freeze|thaw postgres|redis|kafka     private servers only: faults for tests
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODE=${SHOP_SERVERS:-machine}
case $MODE in
  machine) STATE_DIR=${SHOP_STATE_DIR:-$ROOT/.local-state} ;;
  private) STATE_DIR=${SHOP_STATE_DIR:-$ROOT/.local-state/private} ;;
  *) printf '[infra] ERROR: SHOP_SERVERS must be machine or private, not %s\n' "$MODE" >&2; exit 2 ;;
esac
ENV_FILE=$STATE_DIR/servers.env
KAFKA_DIR=$STATE_DIR/kafka
REDIS_DIR=$STATE_DIR/redis
PG_USER=postgres

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

# A port nothing listens on, below Linux's ephemeral range (so no client socket takes it first).
TAKEN=()
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ " ${TAKEN[*]} " == *" $p "* ]] && continue
    port_open 127.0.0.1 "$p" && continue
    TAKEN+=("$p")
    echo "$p"
    return
  done
}

# Starts a program detached: own session, stdin from /dev/null, output appended to a log file.
detach() { # log command...
  local out=$1
  shift
  setsid "$@" </dev/null >>"$out" 2>&1 &
  echo $!
}

load_env() {
  SHOP_DB_HOST=127.0.0.1 SHOP_DB_PORT=5432 SHOP_REDIS_PORT=6379 SHOP_KAFKA_PORT=9092 SHOP_KAFKA_CONTROLLER_PORT=9093
  if [[ -f $ENV_FILE ]]; then
    # shellcheck disable=SC1090
    source "$ENV_FILE"
  elif [[ $MODE == private ]]; then
    SHOP_DB_PORT=$(free_port) SHOP_REDIS_PORT=$(free_port) SHOP_KAFKA_PORT=$(free_port)
    SHOP_KAFKA_CONTROLLER_PORT=$(free_port)
  fi
}

save_env() {
  mkdir -p "$STATE_DIR"
  cat >"$ENV_FILE" <<ENV
SHOP_SERVERS=$MODE
SHOP_DB_HOST=$SHOP_DB_HOST
SHOP_DB_PORT=$SHOP_DB_PORT
SHOP_REDIS_PORT=$SHOP_REDIS_PORT
SHOP_KAFKA_PORT=$SHOP_KAFKA_PORT
SHOP_KAFKA_CONTROLLER_PORT=$SHOP_KAFKA_CONTROLLER_PORT
ENV
}

# A port this set of servers may keep: free, or already ours (answering). Else a new free one.
keep_port() { # port our-server-is-up(0/1)
  if [[ $2 == 1 ]] || ! port_open 127.0.0.1 "$1"; then echo "$1"; else free_port; fi
}

# ------------------------------------------------------------------------------------------------- PostgreSQL
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT" -U "$PG_USER" "$@"; }

pg_bin() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  [[ -x $dir/initdb ]] || dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -x $dir/initdb ]] || die "PostgreSQL's initdb not found: apt-get install postgresql"
  echo "$dir"
}

# Runs a PostgreSQL program as the cluster's owner: initdb and postgres refuse to run as root.
as_pg_owner() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Where the private cluster lives. Run as root, PostgreSQL's programs run as the postgres user, which cannot reach a
# clone inside a folder only root may enter (root's home, a mktemp -d folder): the cluster then lives in a folder of
# this state directory's own under /var/tmp (named by a hash of the state directory's path, owned by postgres,
# mode 0700), found again by the same name by down, reset and the faults.
pg_dir() {
  mkdir -p "$STATE_DIR"
  if [[ $EUID -ne 0 ]] || runuser -u postgres -- test -x "$STATE_DIR" 2>/dev/null; then
    echo "$STATE_DIR/postgres"
  else
    echo "${SHOP_PG_OUTSIDE_DIR:-/var/tmp}/shop-postgres-$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-16)"
  fi
}

PG_DIR=$(pg_dir)
pg_private_running() { [[ -f $PG_DIR/data/postmaster.pid ]] && as_pg_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

pg_private_start() {
  local bin
  bin=$(pg_bin)
  if [[ ! -f $PG_DIR/data/PG_VERSION ]]; then
    log "initialising a PostgreSQL cluster of our own in $PG_DIR/data"
    rm -rf "$PG_DIR"
    mkdir -p -m 0700 "$PG_DIR"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_DIR"
    [[ $PG_DIR == "$STATE_DIR"/* ]] || log "($STATE_DIR is out of the postgres user's reach: the cluster lives in $PG_DIR)"
    as_pg_owner "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    # What the suite needs (the analyzer's statistics, logical decoding for Debezium), in this cluster's own file.
    cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_preload_libraries = 'pg_stat_statements'
wal_level = logical
max_connections = 300
log_min_duration_statement = 200ms
CONF
  fi
  if pg_private_running; then return; fi
  log "starting PostgreSQL (private) on 127.0.0.1:$SHOP_DB_PORT"
  as_pg_owner setsid "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -o "-p $SHOP_DB_PORT" -w -t 60 start \
    </dev/null >>"$PG_DIR/pg_ctl.log" 2>&1 || { tail -n 30 "$PG_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
}

pg_private_stop() {
  pg_thaw
  if pg_private_running; then
    log "stopping PostgreSQL (private)"
    as_pg_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop </dev/null >>"$PG_DIR/pg_ctl.log" 2>&1
  fi
}

pg_pid() { [[ -f $PG_DIR/data/postmaster.pid ]] && head -n 1 "$PG_DIR/data/postmaster.pid"; }
# The postmaster and every backend: a frozen database is all of its processes stopped.
pg_pids() { local p; p=$(pg_pid) || return 0; echo "$p"; pgrep -P "$p" || true; }
pg_thaw() { local p; for p in $(pg_pids); do kill -CONT "$p" 2>/dev/null || true; done; }

pg_machine_start() {
  if ! pg_isready -q -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT"; then
    command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running and not installed: apt-get install postgresql"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting the machine's PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start </dev/null
    wait_port "$SHOP_DB_HOST" "$SHOP_DB_PORT" PostgreSQL 30
  fi
  if [[ $(psql_admin -d postgres -Atc "SHOW shared_preload_libraries") != *pg_stat_statements* ]]; then
    log "NOTE: pg_stat_statements is not preloaded on the machine's PostgreSQL: the query analyzer's top statements"
    log "      stay empty. Enable it yourself: shared_preload_libraries = 'pg_stat_statements', then a restart."
  fi
}

postgres_up() {
  command -v psql >/dev/null || die "psql not found: apt-get install postgresql-client"
  if [[ $MODE == private ]]; then pg_private_start; else pg_machine_start; fi
  until pg_isready -q -h "$SHOP_DB_HOST" -p "$SHOP_DB_PORT"; do sleep 0.1; done
  local db
  for db in shop shop_test; do
    if [[ -z $(psql_admin -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
      log "creating database $db"
      psql_admin -d postgres -c "CREATE DATABASE $db"
    fi
  done
  log "PostgreSQL ready on $SHOP_DB_HOST:$SHOP_DB_PORT (databases shop, shop_test)"
}

# ------------------------------------------------------------------------------------------------------ Redis
redis_up() {
  if ! port_open 127.0.0.1 "$SHOP_REDIS_PORT"; then
    [[ $MODE == machine && $SHOP_REDIS_PORT == 6379 ]] && log "the machine's Redis is down: starting one of ours on 6379"
    command -v redis-server >/dev/null || die "Redis is not installed: apt-get install redis-server"
    log "starting Redis on 127.0.0.1:$SHOP_REDIS_PORT"
    mkdir -p "$REDIS_DIR"
    setsid redis-server --daemonize yes --bind 127.0.0.1 --port "$SHOP_REDIS_PORT" --save "" --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" </dev/null >/dev/null 2>&1
    wait_port 127.0.0.1 "$SHOP_REDIS_PORT" Redis 10
  fi
  log "Redis ready on 127.0.0.1:$SHOP_REDIS_PORT"
}

redis_pid() { [[ -f $REDIS_DIR/redis.pid ]] && cat "$REDIS_DIR/redis.pid"; }
redis_running() { local pid; pid=$(redis_pid) && kill -0 "$pid" 2>/dev/null; }

# Only the Redis whose pid file is ours, by its pid (never "shutdown" to whatever answers on a port): SIGTERM,
# and with nothing to save it exits at once.
redis_stop() {
  local pid
  pid=$(redis_pid) || return 0
  kill -CONT "$pid" 2>/dev/null || true
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Redis on 127.0.0.1:$SHOP_REDIS_PORT"
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  rm -f "$REDIS_DIR/redis.pid"
}

# ------------------------------------------------------------------------------------------------------ Kafka
# The jars of the broker version deploy/local/kafka/pom.xml names: resolved again when that file changes.
kafka_classpath() {
  local wanted
  wanted=$(sha256sum "$ROOT/deploy/local/kafka/pom.xml" | cut -c1-64)
  if [[ $(cat "$KAFKA_DIR/libs/.complete" 2>/dev/null) != "$wanted" ]]; then
    log "resolving the Kafka broker jars with Maven (once per broker version)"
    rm -rf "$KAFKA_DIR/libs"
    mkdir -p "$KAFKA_DIR/libs"
    "$ROOT/mvnw" -B -q -f "$ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$KAFKA_DIR/libs" </dev/null
    echo "$wanted" >"$KAFKA_DIR/libs/.complete"
  fi
}

kafka_pid() { [[ -f $KAFKA_DIR/kafka.pid ]] && cat "$KAFKA_DIR/kafka.pid"; }
kafka_running() { local pid; pid=$(kafka_pid) && kill -0 "$pid" 2>/dev/null; }

kafka_up() {
  if kafka_running || { [[ $MODE == machine ]] && port_open 127.0.0.1 "$SHOP_KAFKA_PORT"; }; then
    log "Kafka ready on 127.0.0.1:$SHOP_KAFKA_PORT"
    return
  fi
  command -v java >/dev/null || die "java not found: apt-get install openjdk-17-jdk-headless"
  kafka_classpath
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$SHOP_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$SHOP_KAFKA_PORT,CONTROLLER://127.0.0.1:$SHOP_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$SHOP_KAFKA_PORT
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
      -c "$KAFKA_DIR/server.properties" </dev/null >"$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "Kafka storage format failed"; }
  fi
  log "starting Kafka broker (KRaft) on 127.0.0.1:$SHOP_KAFKA_PORT"
  detach "$KAFKA_DIR/kafka.log" java -Xms128m -Xmx384m -XX:+UseSerialGC -cp "$cp" kafka.Kafka \
    "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/kafka.pid"
  wait_port 127.0.0.1 "$SHOP_KAFKA_PORT" Kafka 60
  log "Kafka ready on 127.0.0.1:$SHOP_KAFKA_PORT (log: $KAFKA_DIR/kafka.log)"
}

kafka_stop() { # signal
  local pid
  pid=$(kafka_pid) || return 0
  kill -CONT "$pid" 2>/dev/null || true
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Kafka"
    kill "-$1" "$pid" 2>/dev/null || true
    local i=0
    while kill -0 "$pid" 2>/dev/null && ((i++ < 300)); do sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  rm -f "$KAFKA_DIR/kafka.pid"
}

# ------------------------------------------------------------------------------------------------- commands
up() {
  load_env
  if [[ $MODE == private ]]; then
    SHOP_DB_PORT=$(keep_port "$SHOP_DB_PORT" "$(pg_private_running && echo 1 || echo 0)")
    SHOP_REDIS_PORT=$(keep_port "$SHOP_REDIS_PORT" "$(redis_running && echo 1 || echo 0)")
    if ! kafka_running; then
      SHOP_KAFKA_PORT=$(keep_port "$SHOP_KAFKA_PORT" 0)
      SHOP_KAFKA_CONTROLLER_PORT=$(keep_port "$SHOP_KAFKA_CONTROLLER_PORT" 0)
    fi
  fi
  save_env
  postgres_up
  redis_up
  kafka_up
  log "servers of this $MODE set: $ENV_FILE"
}

down() {
  [[ -f $ENV_FILE ]] || { log "nothing started from $STATE_DIR"; return; }
  load_env
  kafka_stop TERM
  log "Kafka stopped"
  if [[ $MODE == private ]]; then
    redis_stop
    pg_private_stop
  fi
}

# Stops this set's servers and deletes everything they stored (the Kafka jars stay): the next up starts empty.
reset() {
  [[ $MODE == private ]] || die "only private servers are reset (SHOP_SERVERS=private)"
  down
  rm -rf "$PG_DIR" "$REDIS_DIR" "$KAFKA_DIR/data" "$KAFKA_DIR/kafka.pid" "$ENV_FILE"
  log "private servers in $STATE_DIR reset: the next up starts them empty"
}

status() {
  load_env
  local name port
  for entry in "PostgreSQL $SHOP_DB_PORT" "Redis $SHOP_REDIS_PORT" "Kafka $SHOP_KAFKA_PORT"; do
    read -r name port <<<"$entry"
    if port_open 127.0.0.1 "$port"; then log "$name up on 127.0.0.1:$port"; else log "$name DOWN on 127.0.0.1:$port"; fi
  done
}

# A fault or a recovery, for tests: only on private servers, never on the machine's.
fault() { # action server
  [[ $MODE == private ]] || die "faults are injected only into private servers (SHOP_SERVERS=private)"
  [[ -f $ENV_FILE ]] || die "no private servers in $STATE_DIR: run infra.sh up first"
  load_env
  local pid
  case "$1:$2" in
    start:postgres) postgres_up ;;
    stop:postgres) pg_private_stop ;;
    # Every process of the cluster at once, as an OOM kill of the container or a lost node does (not the postmaster
    # alone, whose orphaned backends would linger); pg_ctl start then runs crash recovery.
    kill:postgres) pids=$(pg_pids) && kill -9 $pids 2>/dev/null; for pid in $pids; do while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; done ;;
    freeze:postgres) for pid in $(pg_pids); do kill -STOP "$pid"; done ;;
    thaw:postgres) pg_thaw ;;
    start:redis) redis_up ;;
    stop:redis) redis_stop ;;
    kill:redis) pid=$(redis_pid) && kill -9 "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; rm -f "$REDIS_DIR/redis.pid" ;;
    freeze:redis) kill -STOP "$(redis_pid)" ;;
    thaw:redis) kill -CONT "$(redis_pid)" ;;
    start:kafka) kafka_up ;;
    stop:kafka) kafka_stop TERM ;;
    kill:kafka) kafka_stop KILL ;;
    freeze:kafka) kill -STOP "$(kafka_pid)" ;;
    thaw:kafka) kill -CONT "$(kafka_pid)" ;;
    *) die "unknown fault: $1 $2 (start|stop|kill|freeze|thaw postgres|redis|kafka)" ;;
  esac
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  reset) reset ;;
  status) status ;;
  env) echo "$ENV_FILE" ;;
  start|stop|kill|freeze|thaw) [[ $# -eq 2 ]] || die "usage: $0 $1 postgres|redis|kafka"; fault "$1" "$2" ;;
  *) die "usage: $0 up|down|reset|status|env, or start|stop|kill|freeze|thaw postgres|redis|kafka" ;;
esac
