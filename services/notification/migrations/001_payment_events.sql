-- Every payment event notification has taken in, once (the walking skeleton's record of delivery).
create table payment_events (
  event_id text primary key,
  payment_id text not null,
  type text not null,
  version integer not null,
  received_at timestamptz not null default now()
);
create index payment_events_by_payment on payment_events (payment_id, version);
