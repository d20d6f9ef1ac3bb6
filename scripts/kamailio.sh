#!/usr/bin/env bash
# Kamailio (Debian 12's kamailio 5.6, infra/apt/sip.txt) as the call centre's SIP proxy in front of
# the IVR, with the project's routing script infra/kamailio/kamailio.cfg (docs/telephony.md). Runs
# as the invoking user; its pid file, control socket and log live in one folder under .var/.
# Usage: scripts/kamailio.sh start|stop|status|check|registrations|ctl <kamcmd command...>
#
#   KAMAILIO_PORT=55060                  SIP over UDP and TCP on 127.0.0.1
#   KAMAILIO_TLS_PORT=                   SIP over TLS as well (certificate kamailio.crt of scripts/certs.sh)
#   KAMAILIO_IVR_URI=sip:127.0.0.1:5070  call-control (";transport=tcp" or "tls" to change the transport);
#                                        several URIs separated by spaces: its replicas, round robin (dispatcher)
#   KAMAILIO_IVR_USERS='^([0-9]{6}|ivr)$' Request-URI users routed to the IVR (transfer codes, "ivr")
#   KAMAILIO_IVR_DOMAIN=                 every Request-URI at this domain goes to the IVR
#   KAMAILIO_REFUSE_REFER=               403 or 405: the proxy refuses REFER instead of relaying it
#   KAMAILIO_STRIP_TELEPHONE_EVENT=      1: telephone-event is removed from offers to the IVR (in-band DTMF only)
#   KAMAILIO_KEEP_REGISTRATIONS=         1: registrations survive a restart (db_text files in KAMAILIO_DIR/location)
#   KAMAILIO_DIR=.var/kamailio           pid file, ctl socket and log (a test gives each instance its own)
#   KAMAILIO_LOG_LEVEL=2                 3 logs every request
source "$(dirname "$0")/lib.sh"

DIR="${KAMAILIO_DIR:-$VAR/kamailio}"
PORT="${KAMAILIO_PORT:-55060}"
TLS_PORT="${KAMAILIO_TLS_PORT:-}"
IVR_URI="${KAMAILIO_IVR_URI:-sip:127.0.0.1:5070}"
DEFAULT_IVR_USERS='^([0-9]{6}|ivr)$'
IVR_USERS="${KAMAILIO_IVR_USERS:-$DEFAULT_IVR_USERS}"
IVR_DOMAIN="${KAMAILIO_IVR_DOMAIN:-}"
REFUSE_REFER="${KAMAILIO_REFUSE_REFER:-}"
STRIP_TELEPHONE_EVENT="${KAMAILIO_STRIP_TELEPHONE_EVENT:-}"
KEEP_REGISTRATIONS="${KAMAILIO_KEEP_REGISTRATIONS:-}"
LOG_LEVEL="${KAMAILIO_LOG_LEVEL:-2}"
CFG="$ROOT/infra/kamailio/kamailio.cfg"
PID_FILE="$DIR/kamailio.pid"
LOG_FILE="$DIR/kamailio.log"
CTL="unix:$DIR/ctl.sock"
LOCATION_DB="$DIR/location"
CERTS="${IVR_CERTS_DIR:-$VAR/certs}"

# The command line: listening sockets and the routing script's settings (its header lists them).
args() {
  local a=(-f "$CFG" -P "$PID_FILE" -Y "$DIR" -m 64 -M 8
    -l "udp:127.0.0.1:$PORT" -l "tcp:127.0.0.1:$PORT"
    -A "IVR_URI=\"$IVR_URI\"" -A "IVR_USERS=\"$IVR_USERS\"" -A "CTL_SOCKET=\"$CTL\"" -A "LOG_LEVEL=$LOG_LEVEL")
  # Several call-control replicas: the dispatcher's list file (set 1), written here.
  local uris
  read -r -a uris <<< "$IVR_URI"
  if ((${#uris[@]} > 1)); then
    mkdir -p "$DIR"
    printf '1 %s\n' "${uris[@]}" > "$DIR/ivr-replicas.list"
    a+=(-A "IVR_LIST=\"$DIR/ivr-replicas.list\"")
  fi
  [[ -n "$IVR_DOMAIN" ]] && a+=(-A "IVR_DOMAIN=\"$IVR_DOMAIN\"")
  [[ -n "$STRIP_TELEPHONE_EVENT" ]] && a+=(-A STRIP_TELEPHONE_EVENT)
  [[ -n "$KEEP_REGISTRATIONS" ]] && a+=(-A "LOCATION_DB=\"text://$LOCATION_DB\"")
  if [[ -n "$REFUSE_REFER" ]]; then
    [[ "$REFUSE_REFER" == 403 || "$REFUSE_REFER" == 405 ]] || die "KAMAILIO_REFUSE_REFER must be 403 or 405, not $REFUSE_REFER"
    a+=(-A "REFER_REFUSE=$REFUSE_REFER")
  fi
  if [[ -n "$TLS_PORT" ]]; then
    a+=(-l "tls:127.0.0.1:$TLS_PORT" -A WITH_TLS -A "TLS_CERT=\"$CERTS/kamailio.crt\""
      -A "TLS_KEY=\"$CERTS/kamailio.key\"" -A "TLS_CA=\"$CERTS/ca.crt\"")
  fi
  printf '%s\n' "${a[@]}"
}

# The location table as db_text files (usrloc's schema version 9, Debian's kamailio 5.6), kept if they
# exist: what a stopped Kamailio wrote there is loaded by the next start.
location_db() {
  [[ -n "$KEEP_REGISTRATIONS" ]] || return 0
  mkdir -p "$LOCATION_DB"
  local schema=/usr/share/kamailio/dbtext/kamailio
  [[ -f "$LOCATION_DB/location" ]] || cp "$schema/location" "$LOCATION_DB/location"
  [[ -f "$LOCATION_DB/version" ]] || { head -n1 "$schema/version"; grep '^[0-9]*:location:' "$schema/version"; } > "$LOCATION_DB/version"
}

install() {
  command -v kamailio >/dev/null || die "kamailio is missing: run make setup (infra/apt/sip.txt)"
  # The routing script is written for Debian 12's 5.6 (module parameters change between releases).
  kamailio -v | grep -q '^version: kamailio 5\.6\.' || log "warning: $(kamailio -v | head -n1), the routing script is tested with 5.6"
}

# Ready once it answers on its control socket (the SIP sockets are bound before the workers start).
# A start that failed (the routing script's fix-ups run only then) ends the wait at once.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + 30))
  until ctl core.uptime >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      grep -E 'ERROR|CRITICAL' "$LOG_FILE" | tail -n 5 >&2 || true
      die "Kamailio exited at start (log: $LOG_FILE)"
    fi
    ((SECONDS < deadline)) || die "Kamailio was not ready after 30s (log: $LOG_FILE)"
    sleep 0.2
  done
}

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }
ctl() { kamcmd -s "$CTL" "$@"; }

start() {
  install
  mkdir -p "$DIR"
  if running; then log "Kamailio already running on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then die "port $PORT is taken by a process this project did not start (set KAMAILIO_PORT)"; fi
  [[ -z "$TLS_PORT" ]] || IVR_CERTS_DIR="$CERTS" "$ROOT/scripts/certs.sh" kamailio
  location_db
  mapfile -t a < <(args)
  kamailio -c "${a[@]}" > "$DIR/check.log" 2>&1 || die "the routing script does not load: $DIR/check.log"
  log "starting Kamailio on 127.0.0.1:$PORT (udp, tcp${TLS_PORT:+; tls on $TLS_PORT}) → IVR $IVR_URI"
  # -DD: the main process stays in the foreground (its children are the SIP workers); -E: log to stderr.
  setsid kamailio "${a[@]}" -DD -E >> "$LOG_FILE" 2>&1 < /dev/null &
  echo $! > "$PID_FILE.start"
  wait_ready "$(cat "$PID_FILE.start")"
  rm -f "$PID_FILE.start"
  [[ "$DIR" != "$VAR/kamailio" ]] || ln -sfn "$LOG_FILE" "$LOGS/kamailio.log"
}

stop() { stop_pid_files Kamailio TERM "$PID_FILE" "$PID_FILE.start"; }

status() {
  if running && ctl core.uptime >/dev/null 2>&1; then echo "kamailio: up (127.0.0.1:$PORT)"; else echo "kamailio: down"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  check) install; location_db; mapfile -t a < <(args); kamailio -c "${a[@]}" ;;
  registrations) ctl ul.dump brief ;;
  ctl) shift; ctl "$@" ;;
  *) die "usage: $0 start|stop|status|check|registrations|ctl <kamcmd command...>" ;;
esac
