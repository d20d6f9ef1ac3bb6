#!/usr/bin/env bash
# A local CA and one certificate per service for mutual TLS between services (development and tests).
# Production takes certificates from cert-manager (charts/). Idempotent: existing files are kept.
source "$(dirname "$0")/lib.sh"
DIR="${IVR_CERTS_DIR:-$VAR/certs}"
# The services, and `order-system`: an order system's client certificate for order-link's gRPC
# PaymentService (GRPC_ORDER_SYSTEM_CLIENTS), used by tests.
SERVICES=(order-link call-control dtmf-vault authorization notification order-system)
mkdir -p "$DIR"
if [[ ! -f "$DIR/ca.crt" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=ivr-dev-ca" -keyout "$DIR/ca.key" -out "$DIR/ca.crt" 2>/dev/null
fi
for s in "${SERVICES[@]}" "${@}"; do
  [[ -f "$DIR/$s.crt" ]] && continue
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$s" \
    -keyout "$DIR/$s.key" -out "$DIR/$s.csr" 2>/dev/null
  openssl x509 -req -in "$DIR/$s.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial -days 825 \
    -extfile <(printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$s") \
    -out "$DIR/$s.crt" 2>/dev/null
  rm -f "$DIR/$s.csr"
done
chmod 600 "$DIR"/*.key
