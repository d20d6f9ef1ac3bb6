import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { context, propagation } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import { ConcurrencyError } from './errors';
import { assertSchemaName, outboxChannel } from './schema';
import type { AppendOptions, AppendResult, DomainEvent, EventMetadata, ExpectedVersion, RecordedEvent } from './types';

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_type: string;
  version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

const toRecorded = (r: EventRow): RecordedEvent => ({
  globalPosition: Number(r.global_position),
  streamId: r.stream_id,
  streamType: r.stream_type,
  version: r.version,
  eventId: r.event_id,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
  recordedAt: r.recorded_at,
});

/** The envelope of the design, built from a stored event: what the outbox publishes. */
export function toEnvelope(e: RecordedEvent): EventEnvelope {
  return {
    specVersion: 1,
    eventId: e.eventId,
    type: e.type,
    aggregateType: e.streamType,
    aggregateId: e.streamId,
    version: e.version,
    occurredAt: e.recordedAt.toISOString(),
    ...(e.metadata.correlationId ? { correlationId: e.metadata.correlationId } : {}),
    ...(e.metadata.causationId ? { causationId: e.metadata.causationId } : {}),
    payload: e.data as object,
  };
}

/** The writer's trace context, so the relay can continue the trace when it publishes later. */
function currentTraceMetadata(): EventMetadata {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    ...(carrier.traceparent ? { traceparent: carrier.traceparent } : {}),
    ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
  };
}

const EVENT_COLUMNS = 'global_position, stream_id, stream_type, version, event_id, type, data, metadata, recorded_at';

/** Operations that run on one connection inside one transaction. */
export class EventStoreTransaction {
  constructor(
    readonly client: PoolClient,
    readonly schema: string,
  ) {}

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const { rows } = await this.client.query<EventRow>(
      `select ${EVENT_COLUMNS} from "${this.schema}".events where stream_id = $1 order by version`,
      [streamId],
    );
    return rows.map(toRecorded);
  }

  /**
   * Appends events at the end of a stream if it is at the expected version, and writes them to the
   * outbox in the same transaction. Appends of one schema are serialized by a transaction-scoped
   * advisory lock, so global positions are assigned in commit order and readAll never skips an event
   * that commits late.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: DomainEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) return { version: await this.streamVersion(streamId), events: [] };
    await this.client.query('select pg_advisory_xact_lock(hashtext($1))', [`append:${this.schema}`]);
    const actual = await this.streamVersion(streamId);
    const wanted = expected === 'no_stream' ? 0 : expected;
    if (wanted !== 'any' && wanted !== actual) throw new ConcurrencyError(streamId, String(expected), actual);

    const metadata: EventMetadata = { ...currentTraceMetadata(), ...options.metadata };
    const ids = events.map((_, i) => options.eventIds?.[i] ?? randomUUID());
    let rows: EventRow[];
    try {
      ({ rows } = await this.client.query<EventRow>(
        `insert into "${this.schema}".events (stream_id, stream_type, version, event_id, type, data, metadata)
         select $1, $2, $3 + ord, id, type, data, $4
           from unnest($5::uuid[], $6::text[], $7::jsonb[]) with ordinality as e(id, type, data, ord)
         returning ${EVENT_COLUMNS}`,
        [
          streamId,
          options.streamType,
          actual,
          metadata,
          ids,
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
        ],
      ));
    } catch (err) {
      // A unique violation on (stream_id, version) means a concurrent writer won: same meaning.
      if ((err as { code?: string }).code === '23505') throw new ConcurrencyError(streamId, String(expected), actual);
      throw err;
    }
    const recorded = rows.map(toRecorded).sort((a, b) => a.version - b.version);

    if (options.outbox) {
      const { topic, key = streamId } = options.outbox;
      const headers: Record<string, string> = {};
      if (metadata.traceparent) headers.traceparent = metadata.traceparent;
      if (metadata.tracestate) headers.tracestate = metadata.tracestate;
      await this.client.query(
        `insert into "${this.schema}".outbox (event_id, topic, key, envelope, headers)
         select id, $1, $2, envelope, $3 from unnest($4::uuid[], $5::jsonb[]) as o(id, envelope)`,
        [topic, key, headers, recorded.map((e) => e.eventId), recorded.map((e) => JSON.stringify(toEnvelope(e)))],
      );
      await this.client.query('select pg_notify($1, $2)', [outboxChannel(this.schema), '']);
    }
    return { version: actual + events.length, events: recorded };
  }

  /**
   * Runs `effect` only if this consumer has not processed `eventId` before, in this transaction: an
   * event delivered twice has one effect. Returns false when it was a duplicate.
   */
  async processOnce(consumer: string, eventId: string, effect: () => Promise<void>): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `insert into "${this.schema}".processed_events (consumer, event_id) values ($1, $2) on conflict do nothing`,
      [consumer, eventId],
    );
    if (rowCount === 0) return false;
    await effect();
    return true;
  }

  private async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.client.query<{ v: number }>(
      `select coalesce(max(version), 0)::int as v from "${this.schema}".events where stream_id = $1`,
      [streamId],
    );
    return rows[0]?.v ?? 0;
  }
}

/** An event store in one PostgreSQL schema (one per service). Create its tables with migrate(). */
export class EventStore {
  readonly schema: string;

  constructor(
    readonly pool: Pool,
    options: { schema: string },
  ) {
    this.schema = assertSchemaName(options.schema);
  }

  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  async transaction<T>(fn: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await fn(new EventStoreTransaction(client, this.schema));
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  append(
    streamId: string,
    expected: ExpectedVersion,
    events: DomainEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return this.transaction((tx) => tx.append(streamId, expected, events, options));
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from "${this.schema}".events where stream_id = $1 order by version`,
      [streamId],
    );
    return rows.map(toRecorded);
  }

  /** Events of every stream after a global position, in commit order: what projections are rebuilt from. */
  async readAll(afterPosition = 0, limit = 1000): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from "${this.schema}".events where global_position > $1 order by global_position limit $2`,
      [afterPosition, limit],
    );
    return rows.map(toRecorded);
  }
}
