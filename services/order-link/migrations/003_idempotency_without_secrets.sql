-- Answers remembered for Idempotency-Key replays no longer hold secrets (docs/security-audit.md,
-- item 6): the new API key and the webhook signing secret are shown once, in the first answer only.
-- This removes them from answers remembered before; a replay answers the record without them.
update idempotency_keys set response = response - 'key'
 where method_path = 'POST /v1/api-keys' and response ? 'key';
update idempotency_keys set response = response - 'secret'
 where method_path = 'POST /v1/webhook-endpoints' and response ? 'secret';
