import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { context, propagation } from '@opentelemetry/api';
import type { Pool, PoolClient, QueryConfig } from 'pg';
import { type AppendParams, type AppendRow, appendQuery } from './append-statement';
import { ConcurrencyError } from './errors';
import { assertSchemaName, outboxChannel, VERSION_CONFLICT } from './schema';
import type { AppendOptions, AppendResult, DomainEvent, EventMetadata, ExpectedVersion, RecordedEvent } from './types';
import { OutboxWakeup } from './wakeup';

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

/** An append ready to send: its statement's parameters and what the error or the result is built from. */
interface PreparedAppend {
  params: AppendParams;
  expected: ExpectedVersion;
  events: readonly DomainEvent[];
}

function prepareAppend(
  streamId: string,
  expected: ExpectedVersion,
  events: readonly DomainEvent[],
  options: AppendOptions,
): PreparedAppend {
  const metadata: EventMetadata = { ...currentTraceMetadata(), ...options.metadata };
  const params: AppendParams = {
    streamId,
    streamType: options.streamType,
    expected: expected === 'any' ? null : expected === 'no_stream' ? 0 : expected,
    events,
    ids: events.map((_, i) => options.eventIds?.[i] ?? randomUUID()),
    metadata,
  };
  if (options.outbox) {
    const { topic, key = streamId } = options.outbox;
    params.outbox = { topic, key, headers: traceHeaders(metadata) };
  }
  return { params, expected, events };
}

/**
 * The events as stored, built from what was sent and the row per event the statement answered
 * (position, version, time): the data is not read back and parsed again.
 */
function recorded(rows: AppendRow[], p: PreparedAppend): AppendResult {
  const { streamId, streamType, metadata } = p.params;
  const events = rows.map(
    (r, i): RecordedEvent => ({
      globalPosition: Number(r.global_position),
      streamId,
      streamType,
      version: r.version,
      eventId: r.event_id,
      type: p.events[i]!.type,
      data: p.events[i]!.data,
      metadata,
      recordedAt: r.recorded_at,
    }),
  );
  return { version: rows.at(-1)!.version, events };
}

/**
 * The append's failure as the caller should see it: the stream was not at the expected version
 * (eventstore_version_conflict), or another writer took the same version first (the unique index).
 */
function conflictOr(err: unknown, p: PreparedAppend): unknown {
  const e = err as { code?: string; detail?: string };
  if (e.code === VERSION_CONFLICT) return new ConcurrencyError(p.params.streamId, String(p.expected), Number(e.detail));
  // A concurrent writer committed this version first: the stream is past the expected version.
  if (e.code === '23505' && p.params.expected !== null)
    return new ConcurrencyError(p.params.streamId, String(p.expected), p.params.expected + 1);
  return err;
}

/**
 * 'any': at the end of the stream, wherever it is. A concurrent writer taking the same version is
 * not a conflict: the append is tried again on the stream's new end (`run` undoes a failed try).
 */
async function appendAtEnd(
  schema: string,
  p: PreparedAppend,
  run: (query: QueryConfig) => Promise<AppendRow[]>,
): Promise<AppendResult> {
  const query = appendQuery(schema, p.params);
  for (let attempt = 1; ; attempt++) {
    try {
      return recorded(await run(query), p);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505' || attempt >= 10) throw err;
    }
  }
}

/** True when the connection sends queries without waiting for the answers before (pg's pipeline mode). */
const pipelining = (client: PoolClient): boolean => (client as { pipeline?: boolean }).pipeline === true;

const ignore = (): void => undefined;

/**
 * Holds a pipelining connection's writes until the current tick's work is done, so that statements
 * sent one after the other without waiting (a BEGIN and the first statement, an append and its
 * COMMIT) leave in one write to the socket instead of one each (a system call per statement was a
 * fifth of a service's CPU). Nothing waits longer: the writes go before the process turns to I/O.
 */
export function sendTogether(client: PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection
    ?.stream;
  if (!stream?.cork || !stream.uncork) return;
  stream.cork();
  process.nextTick(() => stream.uncork?.());
}

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

  /** True once `append(..., { commit: true })` committed the transaction (it must not commit again). */
  committed = false;

  /**
   * Appends events at the end of a stream if it is at the expected version, and writes them to the
   * outbox in the same transaction: one statement (append-statement.ts). Two writers at the same
   * version: the unique (stream_id, version) index makes the second wait for the first and then fail
   * with ConcurrencyError. `commit: true` ends the transaction with this append (nothing may follow):
   * on a pipelining connection the COMMIT goes out behind the append, in the same round trip.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: DomainEvent[],
    options: AppendOptions & { commit?: boolean },
  ): Promise<AppendResult> {
    if (events.length === 0) {
      const version = await this.streamVersion(streamId);
      if (options.commit) await this.commit();
      return { version, events: [] };
    }
    const p = prepareAppend(streamId, expected, events, options);
    if (options.outbox) this.wroteOutbox = true;
    let result: AppendResult;
    if (p.params.expected === null) {
      // In a transaction a failed statement aborts it: each try runs under a savepoint.
      result = await appendAtEnd(this.schema, p, async (query) => {
        await this.client.query('savepoint eventstore_append');
        try {
          const { rows } = await this.client.query<AppendRow>(query);
          await this.client.query('release savepoint eventstore_append');
          return rows;
        } catch (err) {
          await this.client.query('rollback to savepoint eventstore_append');
          throw err;
        }
      });
    } else if (options.commit && pipelining(this.client)) {
      // Both on the wire at once. A failed append aborts the transaction, and the COMMIT behind it
      // then only rolls back (PostgreSQL answers ROLLBACK, no error): the append's error is reported.
      sendTogether(this.client);
      const [appended, committed] = await Promise.allSettled([
        this.client.query<AppendRow>(appendQuery(this.schema, p.params)),
        this.client.query('commit'),
      ]);
      if (appended.status === 'rejected') throw conflictOr(appended.reason, p);
      if (committed.status === 'rejected') throw committed.reason;
      this.committed = true;
      return recorded(appended.value.rows, p);
    } else {
      const { rows } = await this.client.query<AppendRow>(appendQuery(this.schema, p.params)).catch((err: unknown) => {
        throw conflictOr(err, p);
      });
      result = recorded(rows, p);
    }
    if (options.commit) await this.commit();
    return result;
  }

  private async commit(): Promise<void> {
    await this.client.query('commit');
    this.committed = true;
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
  private readonly wakeup: OutboxWakeup;

  constructor(
    readonly pool: Pool,
    options: { schema: string },
  ) {
    this.schema = assertSchemaName(options.schema);
    this.wakeup = new OutboxWakeup(pool, outboxChannel(this.schema));
  }

  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws. On a pipelining
   * connection (createPgPool's) the BEGIN travels with the transaction's first statement.
   */
  async transaction<T>(fn: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new EventStoreTransaction(client, this.schema);
    try {
      const pipelined = pipelining(client);
      if (pipelined) sendTogether(client);
      const begun = client.query('begin');
      if (pipelined) begun.catch(ignore);
      else await begun;
      const result = await fn(tx);
      await begun;
      if (!tx.committed) await client.query('commit');
      if (tx.wroteOutbox) this.wakeup.poke();
      return result;
    } catch (err) {
      if (!tx.committed) await client.query('rollback').catch(ignore);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * An append on its own: one statement in its own transaction (no BEGIN, no COMMIT), so one round
   * trip to the database, then the relay is woken.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: DomainEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) return { version: await this.streamVersion(streamId), events: [] };
    const p = prepareAppend(streamId, expected, events, options);
    const run = async (query: QueryConfig) => (await this.pool.query<AppendRow>(query)).rows;
    const result =
      p.params.expected === null
        ? await appendAtEnd(this.schema, p, run)
        : recorded(
            await run(appendQuery(this.schema, p.params)).catch((err: unknown) => {
              throw conflictOr(err, p);
            }),
            p,
          );
    if (options.outbox) this.wakeup.poke();
    return result;
  }

  private async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ v: number }>(
      `select coalesce(max(version), 0)::int as v from "${this.schema}".events where stream_id = $1`,
      [streamId],
    );
    return rows[0]?.v ?? 0;
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
