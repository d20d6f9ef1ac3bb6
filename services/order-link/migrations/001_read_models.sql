-- Read models and API bookkeeping of order-link. The event table (from @ivr/eventstore) is the truth;
-- `payments` is a projection updated in the same transaction as each append, rebuildable from events.
create table payments (
  payment_id text primary key,
  order_system text not null,
  order_id text not null,
  status text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  transfer_code_expires_at timestamptz not null,
  version integer not null,
  -- the folded Payment (src/payment/state.ts)
  state jsonb not null
);
create index payments_by_order on payments (order_system, order_id, created_at desc);
create index payments_by_created on payments (order_system, created_at desc, payment_id desc);
create index payments_waiting on payments (transfer_code_expires_at) where status = 'REQUESTED';

-- One row per transfer code in use: the primary key makes codes unique among live payments. A row is
-- deleted when its payment leaves REQUESTED and may be taken over once it has expired.
create table transfer_codes (
  code text primary key,
  payment_id text not null unique,
  expires_at timestamptz not null
);

-- API keys of order systems. Only a SHA-256 of the secret is kept; the key is shown once.
create table api_keys (
  key_id text primary key,
  order_system text not null,
  name text not null,
  scopes text[] not null,
  secret_sha256 bytea not null,
  created_at timestamptz not null,
  created_by text not null,
  revoked_at timestamptz
);

-- Idempotency-Key of POST requests: the first answer is kept and replayed for the same request.
create table idempotency_keys (
  order_system text not null,
  idempotency_key text not null,
  method_path text not null,
  request_sha256 text not null,
  status integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (order_system, idempotency_key)
);
