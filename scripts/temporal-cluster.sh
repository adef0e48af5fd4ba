#!/usr/bin/env bash
# A self-hosted Temporal server on PostgreSQL, on loopback, for production-like tests and benchmarks.
#
#   bash scripts/temporal-cluster.sh start             # build what is missing, start PostgreSQL and the server
#   bash scripts/temporal-cluster.sh status            # exit 0 when PostgreSQL and the frontend answer
#   bash scripts/temporal-cluster.sh stop              # stop both (data is kept; `start` resumes on it)
#   bash scripts/temporal-cluster.sh restart-server    # SIGKILL the server, start it again (fault tests)
#   bash scripts/temporal-cluster.sh restart-postgres  # PostgreSQL immediate-mode restart (fault tests)
#   bash scripts/temporal-cluster.sh destroy           # stop, then delete the cluster folder
#
# Idempotent: each step is skipped when already done (binaries built, database initialised,
# schemas set up, processes running). Not part of the two README commands.
#
# - The server and its SQL tool are built with `go install go.temporal.io/server/…@v1.29.1` (the
#   server version inside the pinned Temporal CLI). GOPATH, GOMODCACHE and GOCACHE live under
#   .tools/go, so a second build is a cache hit.
# - PostgreSQL comes from Debian's packages (installed with apt-get when missing), initialised into
#   the cluster folder (default .tools/temporal-cluster, git-ignored; $SEAHORSE_CLUSTER_DIR
#   overrides), listening on 127.0.0.1 only, on a free port. Its superuser is `temporal`.
# - Both schemas come from the module's own schema/postgresql/v12 files; the config from its
#   config/development-postgres12.yaml with every port replaced by a free one.
# - The server starts, the namespace is registered and the script waits for the frontend.
# `<cluster>/cluster.json` then holds the address, the ports and the process ids.
set -euo pipefail

VERSION="1.29.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SEAHORSE_TOOLS_DIR:-$ROOT/.tools}"
DIR="${SEAHORSE_CLUSTER_DIR:-$TOOLS/temporal-cluster}"
NAMESPACE="${SEAHORSE_CLUSTER_NAMESPACE:-default}"
BIN_DIR="$TOOLS/temporal-server-v$VERSION"
SERVER="$BIN_DIR/server"
SQL_TOOL="$BIN_DIR/sql"
CLI="${SEAHORSE_TEMPORAL_CLI:-$TOOLS/temporal}"
START_TIMEOUT_S="${SEAHORSE_CLUSTER_START_TIMEOUT_S:-180}"

export GOPATH="$TOOLS/go" GOMODCACHE="$TOOLS/go/pkg/mod" GOCACHE="$TOOLS/go/cache"
MODULE_DIR="$GOMODCACHE/go.temporal.io/server@v$VERSION"

log() { echo "[temporal-cluster] $*"; }
die() { echo "[temporal-cluster] error: $*" >&2; exit 1; }

as_pg() {
  # PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user.
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_binaries() {
  if [[ -x "$SERVER" && -x "$SQL_TOOL" ]]; then return 0; fi
  command -v go >/dev/null 2>&1 || die "Go is not on PATH; install Go >= 1.25 to build the Temporal server"
  mkdir -p "$BIN_DIR"
  log "building Temporal server and SQL tool v$VERSION with $(go version | awk '{print $3}') into $BIN_DIR (cold: minutes)"
  local start=$SECONDS
  GOBIN="$BIN_DIR" GOFLAGS=-modcacherw go install \
    "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION"
  log "built in $((SECONDS - start))s"
}

ensure_postgres_installed() {
  if pg_bin >/dev/null; then return 0; fi
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available: install PostgreSQL >= 12"
  log "installing PostgreSQL from Debian's packages"
  local sudo=""; [[ $EUID -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  pg_bin >/dev/null || die "PostgreSQL installed but no initdb found under /usr/lib/postgresql/*/bin"
}

free_ports() {
  # N distinct free ports on 127.0.0.1 in 20000-32767: the server stores membership ports in a
  # smallint column, so the kernel's ephemeral range (32768+) will not do. Bound all at once, so
  # distinct; a random start, so two clusters set up at once do not pick the same ones.
  python3 - "$1" <<'EOF'
import random, socket, sys
socks, port = [], random.randrange(20000, 32000)
while len(socks) < int(sys.argv[1]):
    port = 20000 + (port - 20000 + 1) % 12767
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); socks.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
EOF
}

load_state() {
  # shellcheck disable=SC1091
  [[ -f "$DIR/ports.env" ]] && source "$DIR/ports.env"
  return 0
}

ensure_ports() {
  load_state
  if [[ -n "${PG_PORT:-}" ]]; then return 0; fi
  mkdir -p "$DIR"
  read -r PG_PORT FE_PORT FE_HTTP FE_MEMBER HI_PORT HI_MEMBER MA_PORT MA_MEMBER WO_PORT WO_MEMBER PPROF_PORT METRICS_PORT <<<"$(free_ports 12)"
  cat >"$DIR/ports.env" <<EOF
PG_PORT=$PG_PORT
FE_PORT=$FE_PORT
FE_HTTP=$FE_HTTP
FE_MEMBER=$FE_MEMBER
HI_PORT=$HI_PORT
HI_MEMBER=$HI_MEMBER
MA_PORT=$MA_PORT
MA_MEMBER=$MA_MEMBER
WO_PORT=$WO_PORT
WO_MEMBER=$WO_MEMBER
PPROF_PORT=$PPROF_PORT
METRICS_PORT=$METRICS_PORT
EOF
}

pg_running() { [[ -f "$DIR/pgdata/postmaster.pid" ]] && as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pgdata" status >/dev/null 2>&1; }

start_postgres() {
  local bin; bin="$(pg_bin)"
  if [[ ! -f "$DIR/pgdata/PG_VERSION" ]]; then
    log "initialising PostgreSQL ($("$bin/postgres" --version)) in $DIR/pgdata"
    rm -rf "$DIR/pgdata"
    mkdir -p "$DIR/pgdata"
    echo temporal >"$DIR/pgpass"
    if [[ $EUID -eq 0 ]]; then chown postgres "$DIR/pgdata" "$DIR/pgpass"; fi
    chmod 700 "$DIR/pgdata"
    as_pg "$bin/initdb" -D "$DIR/pgdata" -U temporal --pwfile="$DIR/pgpass" --auth=scram-sha-256 -E UTF8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  if pg_running; then return 0; fi
  touch "$DIR/postgres.log"
  if [[ $EUID -eq 0 ]]; then chown postgres "$DIR/postgres.log"; fi
  # Loopback only, no Unix socket; enough connections for the server's pools (20 + 2 per service).
  as_pg "$bin/pg_ctl" -D "$DIR/pgdata" -l "$DIR/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c max_connections=200" start >/dev/null \
    || { tail -20 "$DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
  log "PostgreSQL on 127.0.0.1:$PG_PORT"
}

sql_tool() { "$SQL_TOOL" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u temporal --pw temporal "$@"; }

ensure_schemas() {
  [[ -f "$DIR/schema.done" ]] && return 0
  [[ -d "$MODULE_DIR/schema/postgresql/v12" ]] || die "schema files not found under $MODULE_DIR (was the module downloaded?)"
  local db schema
  for db in temporal temporal_visibility; do
    schema="$MODULE_DIR/schema/postgresql/v12/$([[ $db == temporal ]] && echo temporal || echo visibility)/versioned"
    log "schema of $db from ${schema#"$GOMODCACHE"/}"
    sql_tool --db "$db" create >/dev/null 2>&1 || true   # exists already on a re-run
    sql_tool --db "$db" setup-schema -v 0.0 >"$DIR/schema-$db.log" 2>&1 || { cat "$DIR/schema-$db.log" >&2; die "setup-schema of $db failed"; }
    sql_tool --db "$db" update-schema -d "$schema" >>"$DIR/schema-$db.log" 2>&1 || { cat "$DIR/schema-$db.log" >&2; die "update-schema of $db failed"; }
  done
  touch "$DIR/schema.done"
}

write_config() {
  local src="$MODULE_DIR/config"
  [[ -f "$src/development-postgres12.yaml" ]] || die "$src/development-postgres12.yaml not found"
  rm -rf "$DIR/config"
  mkdir -p "$DIR/config/dynamicconfig"
  cp "$src/dynamicconfig/development-sql.yaml" "$DIR/config/dynamicconfig/development-sql.yaml"
  chmod -R u+w "$DIR/config"
  sed -e "s/connectAddr: \"127.0.0.1:5432\"/connectAddr: \"127.0.0.1:$PG_PORT\"/" \
      -e "s/grpcPort: 7233/grpcPort: $FE_PORT/;     s/membershipPort: 6933/membershipPort: $FE_MEMBER/; s/httpPort: 7243/httpPort: $FE_HTTP/" \
      -e "s/grpcPort: 7234/grpcPort: $HI_PORT/;     s/membershipPort: 6934/membershipPort: $HI_MEMBER/" \
      -e "s/grpcPort: 7235/grpcPort: $MA_PORT/;     s/membershipPort: 6935/membershipPort: $MA_MEMBER/" \
      -e "s/grpcPort: 7239/grpcPort: $WO_PORT/;     s/membershipPort: 6939/membershipPort: $WO_MEMBER/" \
      -e "s/port: 7936/port: $PPROF_PORT/; s/listenAddress: \"127.0.0.1:8000\"/listenAddress: \"127.0.0.1:$METRICS_PORT\"/" \
      -e "s/rpcAddress: \"localhost:7233\"/rpcAddress: \"127.0.0.1:$FE_PORT\"/" \
      -e "s/^  level: info/  level: warn/" \
      -e "s#filepath: \"config/dynamicconfig/development-sql.yaml\"#filepath: \"$DIR/config/dynamicconfig/development-sql.yaml\"#" \
      -e "s#/tmp/temporal_archival/development#$DIR/archival#; s#/tmp/temporal_vis_archival/development#$DIR/vis-archival#" \
      "$src/development-postgres12.yaml" >"$DIR/config/development-postgres12.yaml"
  # Every default port must have been replaced (a clash with another server would be silent).
  if grep -Eq '(: |:)(7233|7234|7235|7239|7243|6933|6934|6935|6939|7936|5432|8000)\b' "$DIR/config/development-postgres12.yaml"; then
    die "a default port is left in $DIR/config/development-postgres12.yaml"
  fi
}

server_pid() { [[ -f "$DIR/server.pid" ]] && cat "$DIR/server.pid"; }
server_running() { local p; p="$(server_pid 2>/dev/null)" && [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
frontend_ok() { "$CLI" operator cluster health --address "127.0.0.1:$FE_PORT" >/dev/null 2>&1; }
namespace_ok() { "$CLI" workflow count --address "127.0.0.1:$FE_PORT" --namespace "$NAMESPACE" >/dev/null 2>&1; }

write_state() {
  local pg_pid; pg_pid="$(head -1 "$DIR/pgdata/postmaster.pid" 2>/dev/null || echo 0)"
  cat >"$DIR/cluster.json.tmp" <<EOF
{"address":"127.0.0.1:$FE_PORT","namespace":"$NAMESPACE","serverPid":$(server_pid || echo 0),"postgresPid":$pg_pid,"postgresPort":$PG_PORT,"dir":"$DIR","version":"$VERSION"}
EOF
  mv "$DIR/cluster.json.tmp" "$DIR/cluster.json"
}

start_server() {
  if ! server_running; then
    write_config
    log "starting Temporal server v$VERSION (frontend 127.0.0.1:$FE_PORT)"
    # Its own session: the server outlives this script and is stopped by `stop` (or its pid).
    setsid "$SERVER" --root "$DIR" --config config --env development-postgres12 --allow-no-auth start >>"$DIR/server.log" 2>&1 < /dev/null &
    echo $! >"$DIR/server.pid"
  fi
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until frontend_ok; do
    server_running || { tail -c 4000 "$DIR/server.log" >&2; die "the server exited during start (log: $DIR/server.log)"; }
    (( SECONDS < deadline )) || { tail -c 4000 "$DIR/server.log" >&2; die "frontend not healthy after ${START_TIMEOUT_S}s"; }
    sleep 1
  done
  if ! "$CLI" operator namespace describe --address "127.0.0.1:$FE_PORT" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    log "registering namespace $NAMESPACE"
    "$CLI" operator namespace create --address "127.0.0.1:$FE_PORT" --namespace "$NAMESPACE" --retention 72h >/dev/null
  fi
  # A new namespace reaches the frontend's cache within seconds: wait until it serves requests.
  until namespace_ok; do
    (( SECONDS < deadline )) || die "namespace $NAMESPACE not served after ${START_TIMEOUT_S}s"
    sleep 1
  done
  write_state
  log "ready: 127.0.0.1:$FE_PORT namespace $NAMESPACE (state: $DIR/cluster.json)"
}

stop_server() {
  server_running || { rm -f "$DIR/server.pid"; return 0; }
  local pid; pid="$(server_pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$DIR/server.pid"
}

stop_postgres() { pg_running && as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pgdata" -m fast -w -t 60 stop >/dev/null; return 0; }

cmd_start() {
  ensure_binaries
  [[ -x "$CLI" ]] || bash "$ROOT/scripts/install-temporal.sh"
  ensure_postgres_installed
  ensure_ports
  start_postgres
  ensure_schemas
  if server_running && frontend_ok && namespace_ok; then
    write_state
    log "already running: 127.0.0.1:$FE_PORT"
    return 0
  fi
  start_server
}

cmd_status() {
  load_state
  [[ -n "${PG_PORT:-}" ]] || { echo "not initialised ($DIR)"; return 3; }
  local rc=0
  if pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; rc=3; fi
  if server_running; then echo "server:   running (pid $(server_pid))"; else echo "server:   stopped"; rc=3; fi
  if frontend_ok; then echo "frontend: serving on 127.0.0.1:$FE_PORT"; else echo "frontend: not answering on 127.0.0.1:$FE_PORT"; rc=3; fi
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) load_state; stop_server; [[ -d "$DIR/pgdata" ]] && stop_postgres; log "stopped" ;;
  status) cmd_status ;;
  restart-server)
    load_state
    if server_running; then kill -KILL "$(server_pid)"; while server_running; do sleep 0.1; done; fi
    rm -f "$DIR/server.pid"
    start_server ;;
  restart-postgres)
    load_state
    pg_running || die "PostgreSQL is not running"
    as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pgdata" -m immediate -w -t 60 stop >/dev/null || true
    start_postgres
    write_state ;;
  destroy) load_state; stop_server; [[ -d "$DIR/pgdata" ]] && stop_postgres; rm -rf "$DIR"; log "removed $DIR" ;;
  *) echo "usage: bash scripts/temporal-cluster.sh start|stop|status|restart-server|restart-postgres|destroy" >&2; exit 2 ;;
esac
