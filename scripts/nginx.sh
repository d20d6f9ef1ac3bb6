#!/usr/bin/env bash
# nginx (Debian 12's 1.22, infra/apt/console.txt) as a TLS-terminating reverse proxy in front of
# order-link, as the chart's ingress is: the console at https://127.0.0.1:<port>/console/ with a
# certificate of scripts/certs.sh (CN nginx, SAN 127.0.0.1 and localhost, signed by .var/certs/ca.crt).
# Runs as the invoking user; its configuration, pid file, temporary files and logs live in one folder.
# Usage: scripts/nginx.sh start|stop|status|check
#
#   NGINX_PORT=58443                 HTTPS on 127.0.0.1
#   NGINX_UPSTREAM=127.0.0.1:8080    order-link's HTTP port
#   NGINX_DIR=.var/nginx             configuration, pid file, logs (a test gives each instance its own)
# order-link must trust the proxy's address for X-Forwarded-* (TRUSTED_PROXIES=127.0.0.1 here).
source "$(dirname "$0")/lib.sh"

DIR="${NGINX_DIR:-$VAR/nginx}"
PORT="${NGINX_PORT:-58443}"
UPSTREAM="${NGINX_UPSTREAM:-127.0.0.1:8080}"
CERTS="${IVR_CERTS_DIR:-$VAR/certs}"
PID_FILE="$DIR/nginx.pid"
CONF="$DIR/nginx.conf"

install() {
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "nginx is missing: run make setup (infra/apt/console.txt)"
}
nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

configure() {
  mkdir -p "$DIR/tmp"
  IVR_CERTS_DIR="$CERTS" "$ROOT/scripts/certs.sh" nginx
  # As root, nginx runs its worker as nobody: it gets the temporary folders (the master reads the key).
  local user=""
  if [[ "$(id -u)" == 0 ]]; then
    user="user nobody nogroup;"
    chown nobody:nogroup "$DIR/tmp"
  fi
  sed -e "s|@DIR@|$DIR|g" -e "s|@PORT@|$PORT|g" -e "s|@UPSTREAM@|$UPSTREAM|g" \
    -e "s|@CERT@|$CERTS/nginx.crt|g" -e "s|@KEY@|$CERTS/nginx.key|g" -e "s|@USER@|$user|" \
    "$ROOT/infra/nginx/console-proxy.conf" > "$CONF"
  "$(nginx_bin)" -t -q -c "$CONF" -p "$DIR" 2> "$DIR/check.log" || die "the configuration does not load: $DIR/check.log"
}

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

start() {
  install
  if running; then log "nginx already running on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then die "port $PORT is taken by a process this project did not start (set NGINX_PORT)"; fi
  configure
  log "starting nginx on https://127.0.0.1:$PORT → http://$UPSTREAM"
  setsid "$(nginx_bin)" -c "$CONF" -p "$DIR" >> "$DIR/error.log" 2>&1 < /dev/null &
  echo $! > "$PID_FILE.start"
  local deadline=$((SECONDS + 20))
  until port_open "$PORT"; do
    kill -0 "$(cat "$PID_FILE.start")" 2>/dev/null || { tail -n 5 "$DIR/error.log" >&2; die "nginx exited at start (log: $DIR/error.log)"; }
    ((SECONDS < deadline)) || die "nginx was not listening after 20s (log: $DIR/error.log)"
    sleep 0.2
  done
  rm -f "$PID_FILE.start"
}

stop() { stop_pid_files nginx QUIT "$PID_FILE" "$PID_FILE.start"; }

status() {
  if running && port_open "$PORT"; then echo "nginx: up (https://127.0.0.1:$PORT → $UPSTREAM)"; else echo "nginx: down"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  check) install; configure; log "configuration OK: $CONF" ;;
  *) die "usage: $0 start|stop|status|check" ;;
esac
