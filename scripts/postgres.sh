#!/usr/bin/env bash
# PostgreSQL from Debian's packages, as a project-local cluster (data in .var/postgres, or a fallback
# folder when the postgres user cannot reach the checkout). One database and role per service.
# Usage: scripts/postgres.sh install|start|stop|status|psql [args]
source "$(dirname "$0")/lib.sh"
SERVICE_DBS=(orderlink callcontrol authorization notification)
TEST_DB=ivr_test

data_dir() {
  local d="$VAR/postgres"
  mkdir -p "$d"
  chown postgres:postgres "$d" 2>/dev/null || true
  if runuser -u postgres -- test -w "$d" 2>/dev/null; then echo "$d"; return; fi
  # The checkout sits under a folder the postgres user cannot enter: keep the data in a stable
  # per-checkout folder instead, still removed by `make clean`.
  d="/var/tmp/ivr-postgres-$(echo "$ROOT" | sha256sum | cut -c1-12)"
  mkdir -p "$d" && chown postgres:postgres "$d"
  ln -sfn "$d" "$VAR/postgres-data-link"
  echo "$d"
}

install() {
  if [[ -x "$PG_BIN/pg_ctl" ]]; then return 0; fi
  log "installing PostgreSQL $PG_VERSION from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null \
    || die "could not install postgresql-$PG_VERSION with apt-get"
}

psql_admin() { runuser -u postgres -- "$PG_BIN/psql" -h "$SOCK" -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

start() {
  install
  local data; data="$(data_dir)"
  SOCK="$data/run"
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data/cluster" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    if port_open "$PG_PORT"; then die "port $PG_PORT is taken by a process this project did not start (set IVR_PG_PORT)"; fi
    if [[ ! -f "$data/cluster/PG_VERSION" ]]; then
      log "initialising a cluster in $data/cluster"
      runuser -u postgres -- "$PG_BIN/initdb" -D "$data/cluster" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 > "$LOGS/postgres-initdb.log" 2>&1 || die "initdb failed: $LOGS/postgres-initdb.log"
    fi
    runuser -u postgres -- mkdir -p "$data/run"
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data/cluster" -l "$data/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $data/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${IVR_PG_FSYNC:-on}" start \
      > "$LOGS/postgres-start.log" 2>&1 || die "PostgreSQL did not start: $data/postgres.log"
    ln -sfn "$data/postgres.log" "$LOGS/postgres.log"
    runuser -u postgres -- cat "$data/cluster/postmaster.pid" | head -n1 > "$PIDS/postgres.pid"
  fi
  provision
}

# Each service gets its own role and database (in production: its own database server or at least
# its own credentials). Dev passwords are deterministic; production takes them from Secrets.
provision() {
  for db in "${SERVICE_DBS[@]}" "$TEST_DB"; do
    if [[ -z "$(psql_admin -c "select 1 from pg_roles where rolname = '$db'")" ]]; then
      psql_admin -c "create role \"$db\" login password '$db-dev-password'"
    fi
    if [[ -z "$(psql_admin -c "select 1 from pg_database where datname = '$db'")" ]]; then
      psql_admin -c "create database \"$db\" owner \"$db\""
    fi
  done
}

stop() {
  local data; data="$(data_dir)"
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data/cluster" status >/dev/null 2>&1; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data/cluster" -m fast -w stop >/dev/null
  fi
  rm -f "$PIDS/postgres.pid"
  log "PostgreSQL stopped"
}

status() {
  local data; data="$(data_dir)"
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data/cluster" status >/dev/null 2>&1; then echo "postgres: up (127.0.0.1:$PG_PORT)"; else echo "postgres: down"; return 1; fi
}

case "${1:-}" in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  psql) shift; SOCK="$(data_dir)/run"; psql_admin "$@" ;;
  *) die "usage: $0 install|start|stop|status|psql [args]" ;;
esac
