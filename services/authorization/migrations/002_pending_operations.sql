-- Captures, voids and refunds sent to the gateway and not settled (one at a time per payment). Kept in the
-- same transaction as the events; the reconciler sends each again with its own idempotency key.
create table pending_operations (
  payment_id text primary key,
  operation_id text not null,
  since timestamptz not null default now()
);
create index pending_operations_since on pending_operations (since);
