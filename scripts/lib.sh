# Shared settings for the infrastructure scripts. Sourced, never run.
# Everything the project starts lives under .var/ (ignored by git): data, logs, pid files.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${IVR_VAR_DIR:-$ROOT/.var}"
LOGS="$VAR/logs"
PIDS="$VAR/pids"
mkdir -p "$VAR" "$LOGS" "$PIDS"

KAFKA_PORT="${IVR_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${IVR_KAFKA_CONTROLLER_PORT:-59093}"
PG_PORT="${IVR_PG_PORT:-55432}"
PG_VERSION="${IVR_PG_VERSION:-15}"
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"

# The project's Node.js (.node-version, the version the images run). scripts/node.sh install puts it
# under the cache when the machine's is older; once there it comes first on PATH for every script
# (the Makefile does the same for its recipes), and node-gyp finds its headers beside it.
NODE_VERSION="$(cat "$ROOT/.node-version")"
NODE_HOME="${IVR_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/ivr-node/$NODE_VERSION}"
use_project_node() {
  [[ -x "$NODE_HOME/bin/node" ]] || return 0
  [[ ":$PATH:" == *":$NODE_HOME/bin:"* ]] || export PATH="$NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_HOME"
}
use_project_node

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_for "what" seconds command...: polls until the command succeeds, or fails with a clear message.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "$what was not ready after ${seconds}s (logs: $LOGS)"; fi
    sleep 0.5
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive NAME: true when .var/pids/NAME.pid names a live process.
pid_alive() { local f="$PIDS/$1.pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

# stop_pid NAME [seconds]: TERM, wait, then KILL the process (group) recorded for NAME.
stop_pid() {
  local name="$1" seconds="${2:-20}" f="$PIDS/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in ${seconds}s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

# stop_pid_files WHAT SIGNAL FILE...: for a daemon that keeps its own pid files (Kamailio, nginx):
# SIGNAL to each live one, wait 10s, then KILL its process group; the files are removed.
stop_pid_files() {
  local what="$1" signal="$2" pid; shift 2
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "-$signal" "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + 10))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then log "$what did not stop in 10s; killing"; kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"; fi
    fi
    rm -f "$f"
  done
  log "$what stopped"
}
