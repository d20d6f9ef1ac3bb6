import { backoffDelayMs } from '@ivr/backoff';
import type { EventEnvelope } from '@ivr/contracts';
import type { Counter, Meter } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import { assertSchemaName, outboxChannel } from './schema';

/** One message for the broker; @ivr/kafka's KafkaEventPublisher implements the publisher. */
export interface OutboxMessage {
  topic: string;
  key: string;
  envelope: EventEnvelope;
  headers: Record<string, string>;
}

export interface OutboxPublisher {
  /** Resolves once the broker acknowledged every message (acks=all); order within a key is kept. */
  publish(messages: OutboxMessage[]): Promise<void>;
}

interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutboxRelayOptions {
  pool: Pool;
  schema: string;
  publisher: OutboxPublisher;
  batchSize?: number;
  /** Safety net: look for rows even without a notification. */
  pollIntervalMs?: number;
  logger?: RelayLogger;
  /** Registers outbox_pending_events, outbox_oldest_pending_age_seconds, outbox_published_events_total. */
  meter?: Meter;
}

/** After a failure (database or broker away): 200 ms doubling up to 10 s, jittered. */
const RETRY_BACKOFF = { initialMs: 200, maxMs: 10_000 };

interface OutboxRow {
  position: string;
  topic: string;
  key: string;
  envelope: EventEnvelope;
  headers: Record<string, string>;
}

/**
 * Publishes the outbox to Kafka in position order, at least once: a row is marked published only
 * after the broker acknowledged it, so a crash in between republishes it on restart (consumers
 * dedupe by event id). Only one relay per schema publishes at a time (a session advisory lock held
 * on the relay's own connection), so per-key order survives several replicas.
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private client: PoolClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A commit was announced since the last look at the outbox began: look again before sleeping. */
  private announced = false;
  private leader = false;
  private readonly published: Counter | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.schema = assertSchemaName(options.schema);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    const { meter } = options;
    if (meter) {
      const attributes = { schema: this.schema };
      this.published = meter.createCounter('outbox_published_events_total', {
        description: 'Outbox rows published to Kafka (at least once: a crash can republish)',
      });
      const pending = meter.createObservableGauge('outbox_pending_events', {
        description: 'Outbox rows not yet published',
      });
      const age = meter.createObservableGauge('outbox_oldest_pending_age_seconds', {
        description: 'Age of the oldest unpublished outbox row: the outbox lag to alert on',
        unit: 's',
      });
      meter.addBatchObservableCallback(
        async (result) => {
          const lag = await this.lag().catch(() => undefined);
          if (!lag) return;
          result.observe(pending, lag.pending, attributes);
          result.observe(age, lag.oldestAgeMs / 1000, attributes);
        },
        [pending, age],
      );
    }
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.releaseClient();
  }

  /** Publishes everything pending now; returns how many rows it published. Needs the leader lock. */
  async drainOnce(): Promise<number> {
    const client = await this.ensureClient();
    if (!(await this.tryLead(client))) return 0;
    let total = 0;
    for (;;) {
      const n = await this.publishBatch(client);
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** Rows not yet published and the age of the oldest: the outbox lag an SRE alerts on. */
  async lag(): Promise<{ pending: number; oldestAgeMs: number }> {
    const { rows } = await this.options.pool.query<{ pending: string; age_ms: number | null }>(
      `select count(*) as pending, (extract(epoch from now() - min(created_at)) * 1000)::float8 as age_ms
         from "${this.schema}".outbox where published_at is null`,
    );
    return { pending: Number(rows[0]?.pending ?? 0), oldestAgeMs: rows[0]?.age_ms ?? 0 };
  }

  /** Deletes published rows older than the retention (the events table keeps the history). */
  async prune(olderThanHours: number): Promise<number> {
    const { rowCount } = await this.options.pool.query(
      `delete from "${this.schema}".outbox where published_at < now() - make_interval(hours => $1)`,
      [olderThanHours],
    );
    return rowCount ?? 0;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        // Reset before the SELECT goes out: a commit it cannot see announces itself afterwards. Without
        // an announcement there is nothing new, so a drain is not followed by a look that finds nothing
        // (a round trip per wake-up saved); the poll interval stays the safety net.
        this.announced = false;
        await this.drainOnce();
        failures = 0;
        if (!this.announced) await this.sleep(this.leader ? this.pollIntervalMs : this.pollIntervalMs * 2);
      } catch (err) {
        this.options.logger?.warn(
          { err: (err as Error).message, schema: this.schema },
          'outbox relay failed; retrying',
        );
        await this.releaseClient();
        await this.sleep(backoffDelayMs(++failures, RETRY_BACKOFF));
      }
    }
  }

  private async publishBatch(client: PoolClient): Promise<number> {
    const { rows } = await client.query<OutboxRow>(
      `select position, topic, key, envelope, headers from "${this.schema}".outbox
        where published_at is null order by position limit $1`,
      [this.batchSize],
    );
    if (rows.length === 0) return 0;
    await this.options.publisher.publish(
      rows.map((r) => ({ topic: r.topic, key: r.key, envelope: r.envelope, headers: r.headers })),
    );
    await client.query(`update "${this.schema}".outbox set published_at = now() where position = any($1::bigint[])`, [
      rows.map((r) => r.position),
    ]);
    this.published?.add(rows.length, { schema: this.schema });
    return rows.length;
  }

  private async tryLead(client: PoolClient): Promise<boolean> {
    if (this.leader) return true;
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
      `outbox-relay:${this.schema}`,
    ]);
    this.leader = rows[0]?.ok === true;
    if (this.leader)
      this.options.logger?.info({ schema: this.schema }, 'outbox relay is the publisher for this schema');
    return this.leader;
  }

  private async ensureClient(): Promise<PoolClient> {
    if (this.client) return this.client;
    const client = await this.options.pool.connect();
    client.on('error', () => {
      // The connection died (database restart) and the lock with it. The loop's next query on this
      // client fails, releases it to be destroyed, reconnects and takes the lock again.
      this.leader = false;
      this.wake?.();
    });
    client.on('notification', () => {
      this.announced = true;
      this.wake?.();
    });
    await client.query(`listen "${outboxChannel(this.schema)}"`);
    this.client = client;
    return client;
  }

  private async releaseClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    if (!client) return;
    try {
      await client.query('select pg_advisory_unlock_all()');
      client.release();
    } catch {
      client.release(true);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
