#!/usr/bin/env bash
# Starts and stops the product's processes: every services/<name> and tools/<name> that has a
# dev.env file (its development configuration) and a built dist/main.js.
# Usage: scripts/services.sh start|stop|status [name...]
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

all_units() { for d in tools/* services/*; do [[ -f "$d/dev.env" ]] && echo "$d"; done; }
select_units() { if (($#)); then for n in "$@"; do all_units | grep -E "/$n\$" || die "no service named $n"; done; else all_units; fi; }

# The addresses of the local infrastructure, as shell exports (written by scripts/env.sh).
infra_env() { node -e 'const e=require(process.argv[1]);for(const[k,v]of Object.entries(e))console.log(`export ${k}=${JSON.stringify(String(v))}`)' "$VAR/env.json"; }

start_one() {
  local dir="$1" name; name="$(basename "$dir")"
  if pid_alive "$name"; then log "$name already running"; return 0; fi
  [[ -f "$dir/dist/main.js" ]] || die "$dir is not built (make build)"
  log "starting $name"
  # Spans go to .var/traces/<name>.jsonl unless an OTLP endpoint is set; every process but the vault
  # writes a heap snapshot on SIGUSR2 (scripts/heap-snapshot.ts). Both are read by make pan-scan.
  local snapshot=(); [[ "$name" == dtmf-vault ]] || snapshot=(--heapsnapshot-signal=SIGUSR2 "--diagnostic-dir=$VAR/heap/incoming/$name" --heap-snapshot-string-limit=1048576)
  ( eval "$(infra_env)"; set -a; source "$dir/dev.env"; set +a
    export SERVICE_NAME="$name" LOG_FILE="$LOGS/$name.log"
    [[ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]] || export OTEL_TRACES_FILE="${OTEL_TRACES_FILE:-$VAR/traces/$name.jsonl}"
    # Telemetry starts before the service's code loads (dist/telemetry.js, built beside each service's bundle).
    local preload=(); [[ -f "$dir/dist/telemetry.js" ]] && preload=(--require ./dist/telemetry.js)
    cd "$dir" && exec setsid node --enable-source-maps "${preload[@]}" "${snapshot[@]}" dist/main.js >> "$LOGS/$name.log" 2>&1 < /dev/null ) &
  echo $! > "$PIDS/$name.pid"
}

# Waits for each service's admin endpoint /readyz (ADMIN_PORT in its dev.env).
wait_ready() {
  local dir="$1" name port; name="$(basename "$dir")"
  port="$(grep -E '^ADMIN_PORT=' "$dir/dev.env" | cut -d= -f2 || true)"
  [[ -n "$port" ]] || return 0
  wait_for "$name (admin port $port)" 60 bash -c "pid_ok() { kill -0 \$(cat '$PIDS/$name.pid'); }; pid_ok && curl -fsS http://127.0.0.1:$port/readyz"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start) units=$(select_units "$@"); for u in $units; do start_one "$u"; done; for u in $units; do wait_ready "$u"; done; log "ready: $(echo $units | xargs -n1 basename | xargs)" ;;
  stop) units=$(select_units "$@"); for u in $(echo "$units" | tac); do stop_pid "$(basename "$u")" 30; done ;;
  status) for u in $(all_units); do n=$(basename "$u"); if pid_alive "$n"; then echo "$n: up"; else echo "$n: down"; fi; done ;;
  *) die "usage: $0 start|stop|status [name...]" ;;
esac
