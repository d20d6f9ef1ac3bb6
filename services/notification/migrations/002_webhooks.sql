-- Webhook endpoints of order systems and the deliveries to them. A delivery row is the persisted
-- retry schedule: a restart picks up exactly what is pending, and nothing delivered is sent again.
create table webhook_endpoints (
  endpoint_id text primary key,
  order_system text not null,
  url text not null,
  -- Needed in clear to sign (HMAC); readable only by this service's database role.
  secret text not null,
  description text not null default '',
  created_at timestamptz not null,
  disabled_at timestamptz
);
create index webhook_endpoints_by_system on webhook_endpoints (order_system) where disabled_at is null;

create table webhook_deliveries (
  delivery_id text primary key,
  -- Order of creation; deliveries of one payment to one endpoint go out in this order.
  seq bigserial not null unique,
  endpoint_id text not null references webhook_endpoints (endpoint_id),
  payment_id text not null,
  event_id text not null,
  event_type text not null,
  body text not null,
  status text not null check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- Retries stop (dead) once this passes; a redeliver starts a new window.
  give_up_at timestamptz not null,
  last_error text,
  last_status_code integer,
  created_at timestamptz not null,
  delivered_at timestamptz,
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_order on webhook_deliveries (endpoint_id, payment_id, seq) where status = 'pending';
create index webhook_deliveries_by_endpoint on webhook_deliveries (endpoint_id, seq desc);

-- Every attempt, for the delivery log.
create table webhook_attempts (
  delivery_id text not null references webhook_deliveries (delivery_id),
  attempt integer not null,
  at timestamptz not null,
  status_code integer,
  error text,
  duration_ms integer not null,
  primary key (delivery_id, attempt)
);

-- Which operator follows which payment (from PaymentRequested), for the live stream.
create table payment_watchers (
  payment_id text primary key,
  order_system text not null,
  operator_id text
);
