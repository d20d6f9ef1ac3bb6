import type { Migration } from './migrate';

/** A schema name is interpolated into SQL, so it must be a plain lower-case identifier. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}

/** SQLSTATE of eventstore_version_conflict(): the stream is not at the expected version (DETAIL: where it is). */
export const VERSION_CONFLICT = 'ES409';

/** The notification channel the outbox relay listens on. */
export const outboxChannel = (schema: string): string => `${schema}_outbox`;

/**
 * Tables every event-sourced service has in its own schema. Applied by migrate() before the
 * service's own migrations. `events` is append-only; `outbox` rows are marked published, not deleted,
 * until pruned; `processed_events` makes consumers idempotent.
 */
export const eventStoreMigrations: Migration[] = [
  {
    id: '000_eventstore_events',
    sql: `
      create table events (
        global_position bigserial primary key,
        stream_id text not null,
        stream_type text not null,
        version integer not null check (version >= 1),
        event_id uuid not null unique,
        type text not null,
        data jsonb not null,
        metadata jsonb not null default '{}',
        recorded_at timestamptz not null default now(),
        -- Readers of all streams order by (transaction_id, global_position): see readAll().
        transaction_id xid8 not null default pg_current_xact_id(),
        unique (stream_id, version)
      );
      create index events_by_transaction on events (transaction_id, global_position);
      create table outbox (
        position bigserial primary key,
        event_id uuid not null unique,
        topic text not null,
        key text not null,
        envelope jsonb not null,
        headers jsonb not null default '{}',
        created_at timestamptz not null default now(),
        published_at timestamptz
      );
      create index outbox_pending on outbox (position) where published_at is null;
      create table processed_events (
        consumer text not null,
        event_id text not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      );
    `,
  },
  {
    // An append is one statement (append-statement.ts); when the stream is not at the version the writer
    // expected, this makes the statement fail, so that nothing else of its transaction commits either.
    id: '000_eventstore_version_conflict',
    sql: `
      create function eventstore_version_conflict(actual integer) returns integer language plpgsql as $$
      begin
        raise exception 'stream is at version %', actual using errcode = '${VERSION_CONFLICT}', detail = actual::text;
      end $$;
    `,
  },
];
