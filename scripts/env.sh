#!/usr/bin/env bash
# Writes .var/env.json: the addresses of the local infrastructure, read by tests (test/setup-env.js),
# by scripts/services.sh and by benchmarks, so nobody needs exported variables.
source "$(dirname "$0")/lib.sh"
db_url() { echo "postgres://$1:$1-dev-password@127.0.0.1:$PG_PORT/$1"; }
cat > "$VAR/env.json" <<JSON
{
  "KAFKA_BROKERS": "127.0.0.1:$KAFKA_PORT",
  "IVR_TEST_DATABASE_URL": "$(db_url ivr_test)",
  "ORDERLINK_DATABASE_URL": "$(db_url orderlink)",
  "CALLCONTROL_DATABASE_URL": "$(db_url callcontrol)",
  "AUTHORIZATION_DATABASE_URL": "$(db_url authorization)",
  "NOTIFICATION_DATABASE_URL": "$(db_url notification)",
  "IVR_CERTS_DIR": "$VAR/certs",
  "IVR_LOG_DIR": "$LOGS",
  "IVR_ROOT": "$ROOT"
}
JSON
