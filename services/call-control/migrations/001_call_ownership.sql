-- Crash recovery (src/recovery, src/app/recover-lost-calls.ts): who owns each open call, and whether
-- that owner is still alive.

-- One row per running call-control process (a fresh id per start), its heartbeat refreshed every
-- CALL_OWNER_HEARTBEAT_MS with the database's clock. Each instance declares its own lease
-- (CALL_OWNER_STALE_MS): silent for longer than that, it is dead, whatever the sweeper's own setting
-- (instances with different settings can share the database). Rows of dead processes that own no
-- open call are deleted by the sweepers.
create table instances (
  instance_id text primary key,
  stale_after_ms integer not null check (stale_after_ms > 0),
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);

-- Projection of the Call streams that have no CallEnded yet: written in the same transaction as
-- the call's events (adapters/pg/call-recorder.ts), deleted with CallEnded; rebuildable from the
-- events (adapters/pg/open-calls.ts rebuildOpenCalls). The owner is CallAnswered's instanceId.
create table open_calls (
  call_id text primary key,
  instance_id text not null,
  payment_id text,
  card_captured boolean not null default false,
  authorization_recorded boolean not null default false,
  answered_at timestamptz not null default now()
);
create index open_calls_by_instance on open_calls (instance_id);

-- Calls left open by versions without recovery: only those older than an hour (surely stranded;
-- younger ones may still be running in a pod of the previous version during a rolling upgrade).
-- Their owner 'unknown' has no heartbeat, so the sweepers end them.
insert into open_calls (call_id, instance_id, payment_id, card_captured, authorization_recorded, answered_at)
select a.stream_id,
       'unknown',
       (select s.data->>'paymentId' from events s where s.stream_id = a.stream_id and s.type = 'CallStarted' limit 1),
       exists (select 1 from events c where c.stream_id = a.stream_id and c.type = 'CardCaptured'),
       exists (select 1 from events c where c.stream_id = a.stream_id and c.type = 'CallAuthorizationCompleted'),
       a.recorded_at
  from events a
 where a.stream_type = 'Call'
   and a.type = 'CallAnswered'
   and a.recorded_at < now() - interval '1 hour'
   and not exists (select 1 from events e where e.stream_id = a.stream_id and e.type = 'CallEnded');
