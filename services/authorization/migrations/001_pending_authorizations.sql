-- Authorizations whose gateway outcome is not known yet (requested, or the answer was lost).
-- Kept in the same transaction as the events; the reconciler settles them by idempotency key.
create table pending_authorizations (
  payment_id text primary key,
  since timestamptz not null default now()
);
create index pending_authorizations_since on pending_authorizations (since);
