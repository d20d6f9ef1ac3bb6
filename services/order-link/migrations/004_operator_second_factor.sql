-- Second factors of operators (docs/security-audit.md, item 12). `mfa` is the projection of the
-- Operator's TOTP events: {keyId, ciphertext (base64 of the secret sealed with OPERATOR_TOTP_KEYS,
-- bound to the operator id), lastStep, recoveryCodes (SHA-256 of the unused ones)}; null when none.
alter table operators add column mfa jsonb;

-- A session that may only complete the enrolment of an authenticator app holds the new secret,
-- sealed the same way, until the first code confirms it (then it is replaced by a full session).
alter table operator_sessions add column pending_totp jsonb;
