#!/usr/bin/env bash
# A Docker engine and compose v2 for the compose test (deploy/compose/test.sh), sourced by it.
#
# engine_up: uses the engine that answers `docker info` if there is one. Otherwise installs Debian's docker.io (if
#   dockerd is missing) and starts a daemon of its own (pid file and log in $ENGINE_DIR, outside the clone, so a later
#   run from any clone finds and stops a daemon that a killed run left behind), after noting the machine's iptables
#   rules, bridges and ip_forward. Images and the build cache stay in Docker's own data root between runs.
# engine_down: stops that daemon only (never an engine it did not start) and puts the network back as it was: the
#   iptables rules, the bridges (docker0, compose networks) and ip_forward.
# compose_plugin: `docker compose` (v2) and `docker buildx`: the engine's if it has them, else Debian trixie's
#   docker-compose and docker-buildx packages, downloaded and unpacked into .local-state/tools (not installed).

ENGINE_DIR=${SHOP_DOCKER_ENGINE_DIR:-/var/lib/shop-compose-engine}
OWN_ENGINE=0

engine_log() { printf '[engine] %s\n' "$*"; }

engine_running_ours() { [[ -f $ENGINE_DIR/dockerd.pid ]] && kill -0 "$(cat "$ENGINE_DIR/dockerd.pid")" 2>/dev/null; }

engine_up() {
  if engine_running_ours; then
    OWN_ENGINE=1
    engine_log "adopting the daemon an earlier run started (pid $(cat "$ENGINE_DIR/dockerd.pid")): stopped at the end"
  elif docker info >/dev/null 2>&1; then
    engine_log "using the running Docker engine ($(docker info -f '{{.ServerVersion}}'))"
    return
  else
    [[ $EUID -eq 0 ]] || { engine_log "ERROR: no Docker engine answers and starting one needs root"; return 1; }
    if ! command -v dockerd >/dev/null; then
      engine_log "installing Debian's docker.io and iptables (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io iptables \
        </dev/null >"$ENGINE_DIR.apt.log" 2>&1 || {
        DEBIAN_FRONTEND=noninteractive apt-get update </dev/null >>"$ENGINE_DIR.apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io iptables \
          </dev/null >>"$ENGINE_DIR.apt.log" 2>&1
      } || { tail -n 20 "$ENGINE_DIR.apt.log" >&2; engine_log "ERROR: apt-get install docker.io failed"; return 1; }
    fi
    mkdir -p "$ENGINE_DIR"
    iptables-save >"$ENGINE_DIR/iptables.before"
    ip6tables-save >"$ENGINE_DIR/ip6tables.before" 2>/dev/null || true
    sysctl -n net.ipv4.ip_forward >"$ENGINE_DIR/ip_forward.before"
    ip -o link show type bridge | awk -F': ' '{print $2}' >"$ENGINE_DIR/bridges.before"
    engine_log "starting dockerd (overlay2; log $ENGINE_DIR/dockerd.log)"
    setsid dockerd --storage-driver=overlay2 --pidfile "$ENGINE_DIR/dockerd.pid" </dev/null >>"$ENGINE_DIR/dockerd.log" 2>&1 &
    OWN_ENGINE=1
  fi
  local i
  for ((i = 0; i < 300; i++)); do
    docker info >/dev/null 2>&1 && break
    sleep 0.1
  done
  docker info >/dev/null 2>&1 || { tail -n 20 "$ENGINE_DIR/dockerd.log" >&2; engine_log "ERROR: dockerd did not answer in 30 s"; return 1; }
  engine_log "dockerd $(docker info -f '{{.ServerVersion}}') ready"
}

engine_down() {
  [[ $OWN_ENGINE == 1 ]] || return 0
  local pid
  pid=$(cat "$ENGINE_DIR/dockerd.pid" 2>/dev/null) || pid=
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    engine_log "stopping dockerd (pid $pid)"
    kill "$pid"
    local i
    for ((i = 0; i < 300 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0) == 1; i++)); do sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$ENGINE_DIR/dockerd.pid"
  # What dockerd leaves behind: its chains, rules and FORWARD policy, docker0 and compose bridges, ip_forward = 1.
  if [[ -f $ENGINE_DIR/iptables.before ]]; then
    engine_restore_iptables iptables "$ENGINE_DIR/iptables.before"
    [[ -s $ENGINE_DIR/ip6tables.before ]] && engine_restore_iptables ip6tables "$ENGINE_DIR/ip6tables.before"
    local bridge
    for bridge in $(ip -o link show type bridge | awk -F': ' '{print $2}'); do
      grep -qx "$bridge" "$ENGINE_DIR/bridges.before" || ip link delete "$bridge" 2>/dev/null || true
    done
    sysctl -q -w "net.ipv4.ip_forward=$(cat "$ENGINE_DIR/ip_forward.before")" >/dev/null
    rm -f "$ENGINE_DIR"/*.before
    engine_log "network as before dockerd: iptables rules, bridges, ip_forward"
  fi
}

# Restores every table as it was: a table the machine had is replaced by its saved contents; one it did not have
# (dockerd's nat, say) is emptied, its chains deleted and its policies ACCEPT.
engine_restore_iptables() { # iptables|ip6tables saved-file
  local tool=$1 saved=$2 table chains
  {
    cat "$saved"
    for table in filter nat mangle raw; do
      grep -q "^\*$table\$" "$saved" && continue
      "$tool"-save -t "$table" >/dev/null 2>&1 || continue
      case $table in
        filter) chains="INPUT FORWARD OUTPUT" ;;
        nat) chains="PREROUTING INPUT OUTPUT POSTROUTING" ;;
        mangle) chains="PREROUTING INPUT FORWARD OUTPUT POSTROUTING" ;;
        raw) chains="PREROUTING OUTPUT" ;;
      esac
      echo "*$table"
      for c in $chains; do echo ":$c ACCEPT [0:0]"; done
      echo "COMMIT"
    done
  } | "$tool"-restore
}

compose_plugin() {
  if docker compose version >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; then return; fi
  local tools=$ROOT/.local-state/tools/docker-cli
  export DOCKER_CONFIG=$tools/config
  if [[ ! -x $DOCKER_CONFIG/cli-plugins/docker-compose || ! -x $DOCKER_CONFIG/cli-plugins/docker-buildx ]]; then
    engine_log "fetching docker-compose (v2) and docker-buildx from Debian trixie into $tools (not installed)"
    local apt=$tools/apt mirror
    mirror=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -n 1 | tr -d ' ' || true)
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/cache" "$DOCKER_CONFIG/cli-plugins"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} trixie main" \
      >"$apt/sources.list"
    local o=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::lists=$apt/lists"
      -o "Dir::Cache=$apt/cache" -o "Dir::Cache::archives=$apt/archives")
    { apt-get "${o[@]}" update && (cd "$apt" && rm -f ./*.deb && apt-get "${o[@]}" download docker-compose docker-buildx); } \
      </dev/null >"$tools/apt.log" 2>&1 || { tail -n 20 "$tools/apt.log" >&2; engine_log "ERROR: could not fetch compose v2"; return 1; }
    local deb
    for deb in "$apt"/*.deb; do dpkg -x "$deb" "$tools/x"; done
    cp "$tools"/x/usr/libexec/docker/cli-plugins/docker-{compose,buildx} "$DOCKER_CONFIG/cli-plugins/"
  fi
  engine_log "$(docker compose version), buildx $(docker buildx version | awk '{print $2}')"
}
