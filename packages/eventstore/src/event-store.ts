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

/** The Kafka headers that carry a writer's trace context. */
function traceHeaders(metadata: EventMetadata): Record<string, string> {
  return {
    ...(metadata.traceparent ? { traceparent: metadata.traceparent } : {}),
    ...(metadata.tracestate ? { tracestate: metadata.tracestate } : {}),
  };
}

/** A message for the outbox (EventStoreTransaction.enqueue): published to `topic` with `key`. */
export interface OutboxEntry {
  topic: string;
  key: string;
  envelope: EventEnvelope;
  /** Kafka headers; default: the writer's trace context. */
  headers?: Record<string, string>;
}

/** Where a reader of all streams stopped. Store it with the projection it feeds. */
export interface ReadAllCheckpoint {
  transactionId: string;
  position: number;
}

const START: ReadAllCheckpoint = { transactionId: '0', position: 0 };

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

  /** True once this transaction wrote to the outbox: the relay is woken after commit. */
  wroteOutbox = false;

  /**
   * Appends events at the end of a stream if it is at the expected version, and writes them to the
   * outbox in the same transaction. Two writers at the same version: the unique (stream_id, version)
   * index makes the second wait for the first and then fail with ConcurrencyError.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: DomainEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) return { version: await this.streamVersion(streamId), events: [] };
    let actual = await this.streamVersion(streamId);
    const wanted = expected === 'no_stream' ? 0 : expected;
    if (wanted !== 'any' && wanted !== actual) throw new ConcurrencyError(streamId, String(expected), actual);

    const metadata: EventMetadata = { ...currentTraceMetadata(), ...options.metadata };
    const ids = events.map((_, i) => options.eventIds?.[i] ?? randomUUID());
    let rows: EventRow[];
    for (let attempt = 1; ; attempt++) {
      // 'any' means "at the end, wherever it is": a concurrent writer taking the same version is not
      // a conflict, so that insert is undone to a savepoint and retried after the stream's new end.
      if (wanted === 'any') await this.client.query('savepoint eventstore_append');
      try {
        rows = await this.insertEvents(streamId, actual, events, ids, metadata, options.streamType);
        if (wanted === 'any') await this.client.query('release savepoint eventstore_append');
        break;
      } catch (err) {
        // A unique violation on (stream_id, version) means a concurrent writer won.
        if ((err as { code?: string }).code !== '23505') throw err;
        if (wanted !== 'any' || attempt >= 10) throw new ConcurrencyError(streamId, String(expected), actual);
        await this.client.query('rollback to savepoint eventstore_append');
        actual = await this.streamVersion(streamId);
      }
    }
    const recorded = rows.map(toRecorded).sort((a, b) => a.version - b.version);

    if (options.outbox) {
      const { topic, key = streamId } = options.outbox;
      const headers = traceHeaders(metadata);
      await this.insertOutbox(recorded.map((e) => ({ topic, key, envelope: toEnvelope(e), headers })));
    }
    return { version: actual + events.length, events: recorded };
  }

  /**
   * Puts messages in the outbox with this transaction: the relay publishes them after commit, at
   * least once, in order per key. For what is not one of a stream's own events (append's `outbox`
   * option publishes those), e.g. a public integration event built from them. Headers carry the
   * writer's trace context unless given.
   */
  async enqueue(entries: readonly OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const trace = traceHeaders(currentTraceMetadata());
    await this.insertOutbox(entries.map((e) => ({ ...e, headers: e.headers ?? trace })));
  }

  private async insertOutbox(entries: Required<OutboxEntry>[]): Promise<void> {
    await this.client.query(
      `insert into "${this.schema}".outbox (event_id, topic, key, envelope, headers)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`,
      [
        entries.map((e) => e.envelope.eventId),
        entries.map((e) => e.topic),
        entries.map((e) => e.key),
        entries.map((e) => JSON.stringify(e.envelope)),
        entries.map((e) => JSON.stringify(e.headers)),
      ],
    );
    this.wroteOutbox = true;
  }

  private async insertEvents(
    streamId: string,
    after: number,
    events: DomainEvent[],
    ids: string[],
    metadata: EventMetadata,
    streamType: string,
  ): Promise<EventRow[]> {
    const { rows } = await this.client.query<EventRow>(
      `insert into "${this.schema}".events (stream_id, stream_type, version, event_id, type, data, metadata)
       select $1, $2, $3 + ord, id, type, data, $4
         from unnest($5::uuid[], $6::text[], $7::jsonb[]) with ordinality as e(id, type, data, ord)
       returning ${EVENT_COLUMNS}`,
      [
        streamId,
        streamType,
        after,
        metadata,
        ids,
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
      ],
    );
    return rows;
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
      const tx = new EventStoreTransaction(client, this.schema);
      const result = await fn(tx);
      await client.query('commit');
      // NOTIFY inside the transaction would serialize every commit of the database on the
      // notification queue lock (and defeat group commit); sent afterwards it costs one round trip.
      if (tx.wroteOutbox) await client.query('select pg_notify($1, $2)', [outboxChannel(this.schema), '']);
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

  /**
   * Events of every stream after a checkpoint: what projections are built and rebuilt from.
   * Positions are taken at insert time, not at commit, so ordering by position alone could pass over
   * an event whose transaction commits late. Instead only events of transactions older than every
   * transaction still running are returned, ordered by (transaction id, position); the checkpoint is
   * that pair (decision record 0003).
   */
  async readAll(
    after: ReadAllCheckpoint = START,
    limit = 1000,
  ): Promise<{ events: RecordedEvent[]; checkpoint: ReadAllCheckpoint }> {
    const { rows } = await this.pool.query<EventRow & { transaction_id: string }>(
      `select ${EVENT_COLUMNS}, transaction_id::text from "${this.schema}".events
        where (transaction_id, global_position) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id, global_position limit $3`,
      [after.transactionId, after.position, limit],
    );
    const last = rows.at(-1);
    return {
      events: rows.map(toRecorded),
      checkpoint: last ? { transactionId: last.transaction_id, position: Number(last.global_position) } : after,
    };
  }
}
