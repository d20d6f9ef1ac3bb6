-- Webhook signing secrets at rest (docs/security-audit.md, item 7): AES-256-GCM ciphertext with the id
-- of its key (WEBHOOK_SECRET_KEYS), so keys rotate. The service encrypts rows still in clear when it
-- starts (WebhookRepository.sealAtRest) and empties `secret`; a later release drops the column.
alter table webhook_endpoints
  add column secret_ciphertext bytea,
  add column secret_key_id text,
  alter column secret drop not null;
alter table webhook_endpoints
  add constraint webhook_endpoints_secret_once check ((secret is null) <> (secret_ciphertext is null)),
  add constraint webhook_endpoints_secret_key check ((secret_ciphertext is null) = (secret_key_id is null));
comment on column webhook_endpoints.secret is 'Before release 003 only: in clear; emptied by the service at start.';
