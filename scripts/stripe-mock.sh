#!/usr/bin/env bash
# stripe-mock (Stripe's own mock of its API, a Go module) for the Stripe connector's tests.
# Built from the Go module proxy at a pinned version into ~/go/bin (GOPATH default, so the module
# cache at ~/go is reused); runs on 127.0.0.1:12112 (http) and 12113 (https). Idempotent.
# Usage: scripts/stripe-mock.sh install|start|stop|status
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

STRIPE_MOCK_VERSION="v0.203.0"
HTTP_PORT="${IVR_STRIPE_MOCK_HTTP_PORT:-12112}"
HTTPS_PORT="${IVR_STRIPE_MOCK_HTTPS_PORT:-12113}"
GOBIN_DIR="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
BIN="$GOBIN_DIR/stripe-mock"
STAMP="$GOBIN_DIR/.stripe-mock.version"

install() {
  command -v go >/dev/null || die "go is missing (needed to build stripe-mock)"
  if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$STRIPE_MOCK_VERSION" ]]; then return 0; fi
  log "building stripe-mock $STRIPE_MOCK_VERSION from the Go module proxy"
  GOFLAGS=-mod=mod go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION" || die "go install stripe-mock failed"
  echo "$STRIPE_MOCK_VERSION" > "$STAMP"
}

start() {
  install
  if pid_alive stripe-mock; then log "stripe-mock already running"; return 0; fi
  if port_open "$HTTP_PORT"; then die "port $HTTP_PORT is taken by something that is not our stripe-mock"; fi
  log "starting stripe-mock on 127.0.0.1:$HTTP_PORT (http) and :$HTTPS_PORT (https)"
  setsid "$BIN" -http-addr "127.0.0.1:$HTTP_PORT" -https-addr "127.0.0.1:$HTTPS_PORT" \
    >> "$LOGS/stripe-mock.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/stripe-mock.pid"
  wait_for "stripe-mock" 30 port_open "$HTTP_PORT"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop_pid stripe-mock 10 ;;
  status) if pid_alive stripe-mock; then echo "stripe-mock: up (127.0.0.1:$HTTP_PORT)"; else echo "stripe-mock: down"; fi ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
