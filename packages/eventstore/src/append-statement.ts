// An append as one SQL statement, one round trip: the expected version is checked, the events are
// inserted and (when asked) their envelopes are written to the outbox, all by one INSERT … SELECT
// with data-modifying CTEs. Prepared once per connection (a named statement), so PostgreSQL parses
// and plans it once. The exactness of optimistic concurrency is the database's:
//   - the stream is at another version than expected: the statement fails (eventstore_version_conflict,
//     SQLSTATE ES409, DETAIL = the stream's version), so nothing else of its transaction commits;
//   - another writer inserted the same version and has not committed yet: the unique
//     (stream_id, version) index makes this statement wait for it, then fail with 23505 if it committed.
import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { DomainEvent, EventMetadata } from './types';

/** What the statement answers: one row per event inserted, in version order. */
export interface AppendRow {
  global_position: string;
  version: number;
  event_id: string;
  recorded_at: Date;
}

export interface AppendParams {
  streamId: string;
  streamType: string;
  /** The version the stream must be at, or null: at its end, wherever that is ('any'). */
  expected: number | null;
  events: readonly DomainEvent[];
  ids: readonly string[];
  metadata: EventMetadata;
  outbox?: {
    topic: string;
    key: string;
    headers: Record<string, string>;
  };
}

/** The envelope's occurredAt as JavaScript's toISOString() writes it (UTC, milliseconds). */
const OCCURRED_AT = `to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function appendSql(schema: string, outbox: boolean): string {
  const events = `"${schema}".events`;
  const toOutbox = outbox
    ? `, outboxed as (
        insert into "${schema}".outbox (event_id, topic, key, envelope, headers)
        select event_id, $8::text, $9::text,
               jsonb_build_object('specVersion', 1, 'eventId', event_id, 'type', type,
                 'aggregateType', $2::text, 'aggregateId', $1::text, 'version', version,
                 'occurredAt', ${OCCURRED_AT}, 'payload', data) || $10::jsonb,
               $11::jsonb
          from inserted order by version
      )`
    : '';
  return `with head as (
      select coalesce(max(version), 0)::int as v from ${events} where stream_id = $1::text
    ), inserted as (
      insert into ${events} (stream_id, stream_type, version, event_id, type, data, metadata)
      select $1::text, $2::text,
             case when $3::int is null or head.v = $3::int then head.v + e.ord
                  else "${schema}".eventstore_version_conflict(head.v) end,
             e.id, e.type, e.data, $4::jsonb
        from head, unnest($5::uuid[], $6::text[], $7::jsonb[]) with ordinality as e(id, type, data, ord)
      returning global_position, version, event_id, type, data, recorded_at
    )${toOutbox}
    select global_position, version, event_id, recorded_at from inserted order by version`;
}

const statements = new Map<string, { name: string; text: string }>();

/** The named statement for this schema, with or without the outbox (built once per process). */
function statementFor(schema: string, outbox: boolean): { name: string; text: string } {
  const id = `${schema}:${outbox}`;
  let s = statements.get(id);
  if (!s) {
    const text = appendSql(schema, outbox);
    s = { name: `eventstore_append_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, text };
    statements.set(id, s);
  }
  return s;
}

/** The query of one append (`schema` was checked by assertSchemaName). */
export function appendQuery(schema: string, p: AppendParams): QueryConfig {
  const { name, text } = statementFor(schema, p.outbox !== undefined);
  const values: unknown[] = [
    p.streamId,
    p.streamType,
    p.expected,
    p.metadata,
    p.ids,
    p.events.map((e) => e.type),
    p.events.map((e) => JSON.stringify(e.data)),
  ];
  if (p.outbox) {
    const { correlationId, causationId } = p.metadata;
    values.push(
      p.outbox.topic,
      p.outbox.key,
      { ...(correlationId ? { correlationId } : {}), ...(causationId ? { causationId } : {}) },
      p.outbox.headers,
    );
  }
  return { name, text, values };
}
