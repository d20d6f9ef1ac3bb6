import { randomBytes } from 'node:crypto';
import type { EventStoreTransaction } from '@ivr/eventstore';
import type { Keyring } from '@ivr/secret-box';
import type { Pool } from 'pg';
import type { DeliveryQueue, DueDelivery, NewDelivery } from '../../app/ports';

export type { DueDelivery };

export interface WebhookEndpoint {
  endpointId: string;
  orderSystem: string;
  url: string;
  description: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface DeliveryRecord {
  deliveryId: string;
  endpointId: string;
  paymentId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  deliveredAt: string | null;
  log: { attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }[];
}

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Endpoints, deliveries (the persisted retry schedule) and the attempt log. */
export class WebhookRepository implements DeliveryQueue {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    /** Seals the signing secrets: the table holds ciphertext and key id only (@ivr/secret-box). */
    private readonly keyring: Keyring,
  ) {}

  private get s(): string {
    return `"${this.schema}"`;
  }

  async createEndpoint(
    orderSystem: string,
    url: string,
    description: string,
    now: Date,
  ): Promise<WebhookEndpoint & { secret: string }> {
    const endpointId = newId('we');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const sealed = this.keyring.seal(secret, endpointId);
    await this.pool.query(
      `insert into ${this.s}.webhook_endpoints (endpoint_id, order_system, url, secret_ciphertext, secret_key_id, description, created_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [endpointId, orderSystem, url, sealed.ciphertext, sealed.keyId, description, now],
    );
    return { endpointId, orderSystem, url, description, createdAt: now.toISOString(), disabledAt: null, secret };
  }

  private openSecret(endpointId: string, keyId: string | null, ciphertext: Buffer | null): string | undefined {
    if (!keyId || !ciphertext || !this.keyring.has(keyId)) return undefined;
    return this.keyring.open({ keyId, ciphertext }, endpointId);
  }

  /**
   * At start: seals secrets still stored in clear (rows from before release 003) and re-seals those of
   * an older key with the current one (rotation). Each row is changed only if it is still as read, so
   * several instances starting at once do no harm. Counts what it did, and the rows whose key is not in
   * the keyring (their deliveries fail until the key is given back).
   */
  async sealAtRest(): Promise<{ sealed: number; resealed: number; unreadable: number }> {
    const counts = { sealed: 0, resealed: 0, unreadable: 0 };
    const { rows } = await this.pool.query<{
      endpoint_id: string;
      secret: string | null;
      secret_ciphertext: Buffer | null;
      secret_key_id: string | null;
    }>(
      `select endpoint_id, secret, secret_ciphertext, secret_key_id from ${this.s}.webhook_endpoints
        where secret is not null or secret_key_id is distinct from $1`,
      [this.keyring.currentId],
    );
    for (const r of rows) {
      if (r.secret === null && r.secret_key_id && !this.keyring.has(r.secret_key_id)) {
        counts.unreadable++;
        continue;
      }
      const secret = r.secret ?? this.openSecret(r.endpoint_id, r.secret_key_id, r.secret_ciphertext)!;
      const sealed = this.keyring.seal(secret, r.endpoint_id);
      const { rowCount } = await this.pool.query(
        `update ${this.s}.webhook_endpoints set secret = null, secret_ciphertext = $2, secret_key_id = $3
          where endpoint_id = $1 and secret is not distinct from $4 and secret_key_id is not distinct from $5`,
        [r.endpoint_id, sealed.ciphertext, sealed.keyId, r.secret, r.secret_key_id],
      );
      if (rowCount === 1) counts[r.secret === null ? 'resealed' : 'sealed']++;
    }
    return counts;
  }

  async listEndpoints(orderSystem: string): Promise<WebhookEndpoint[]> {
    const { rows } = await this.pool.query(
      `select * from ${this.s}.webhook_endpoints where order_system = $1 order by created_at desc, endpoint_id`,
      [orderSystem],
    );
    return rows.map((r) => ({
      endpointId: r.endpoint_id,
      orderSystem: r.order_system,
      url: r.url,
      description: r.description,
      createdAt: r.created_at.toISOString(),
      disabledAt: iso(r.disabled_at),
    }));
  }

  async disableEndpoint(orderSystem: string, endpointId: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update ${this.s}.webhook_endpoints set disabled_at = coalesce(disabled_at, $3) where order_system = $1 and endpoint_id = $2`,
      [orderSystem, endpointId, now],
    );
    return rowCount === 1;
  }

  /** One delivery per active endpoint of the order system; in the consumer's transaction. Returns how many. */
  async enqueue(tx: EventStoreTransaction, e: NewDelivery): Promise<number> {
    const { rowCount } = await tx.client.query(
      `insert into ${this.s}.webhook_deliveries
         (delivery_id, endpoint_id, payment_id, event_id, event_type, body, status, next_attempt_at, give_up_at, created_at)
       select 'wd_' || replace(gen_random_uuid()::text, '-', ''), endpoint_id, $2, $3, $4, $5, 'pending', $6, $7, $6
         from ${this.s}.webhook_endpoints where order_system = $1 and disabled_at is null
       on conflict (endpoint_id, event_id) do nothing`,
      [e.orderSystem, e.paymentId, e.eventId, e.eventType, e.body, e.now, new Date(e.now.getTime() + e.retryWindowMs)],
    );
    return rowCount ?? 0;
  }

  /**
   * Claims deliveries that are due and first in line for their endpoint and payment (per-endpoint
   * ordering per payment), by pushing their next attempt out by `leaseMs`: a crash mid-attempt leaves
   * the delivery to be retried when the lease runs out. Several dispatchers never claim the same row.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query(
      `with due as (
         select d.delivery_id from ${this.s}.webhook_deliveries d
          where d.status = 'pending' and d.next_attempt_at <= $1
            and not exists (
              select 1 from ${this.s}.webhook_deliveries e
               where e.endpoint_id = d.endpoint_id and e.payment_id = d.payment_id and e.status = 'pending' and e.seq < d.seq)
          order by d.next_attempt_at
          limit $3
          for update skip locked)
       update ${this.s}.webhook_deliveries w set next_attempt_at = $2
         from due, ${this.s}.webhook_endpoints ep
        where w.delivery_id = due.delivery_id and ep.endpoint_id = w.endpoint_id
       returning w.delivery_id, w.endpoint_id, ep.url, ep.secret_ciphertext, ep.secret_key_id, w.body, w.attempts, w.give_up_at`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      endpointId: r.endpoint_id,
      url: r.url,
      secret: this.openSecret(r.endpoint_id, r.secret_key_id, r.secret_ciphertext),
      body: r.body,
      attempts: r.attempts,
      giveUpAt: r.give_up_at,
    }));
  }

  /** Records an attempt and its consequence: delivered, retry at `retryAt`, or dead (retryAt null). */
  async recordAttempt(
    deliveryId: string,
    attempt: { at: Date; statusCode: number | null; error: string | null; durationMs: number },
    outcome: { delivered: true } | { delivered: false; retryAt: Date | null },
  ): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ attempts: number }>(
        `update ${this.s}.webhook_deliveries set attempts = attempts + 1, last_error = $2, last_status_code = $3,
            status = $4, next_attempt_at = coalesce($5, next_attempt_at), delivered_at = $6
          where delivery_id = $1 returning attempts`,
        [
          deliveryId,
          attempt.error,
          attempt.statusCode,
          outcome.delivered ? 'delivered' : outcome.retryAt ? 'pending' : 'dead',
          outcome.delivered ? null : outcome.retryAt,
          outcome.delivered ? attempt.at : null,
        ],
      );
      await client.query(
        `insert into ${this.s}.webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5, $6)`,
        [deliveryId, rows[0]!.attempts, attempt.at, attempt.statusCode, attempt.error, attempt.durationMs],
      );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async listDeliveries(orderSystem: string, endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query(
      `select d.* from ${this.s}.webhook_deliveries d join ${this.s}.webhook_endpoints ep using (endpoint_id)
        where ep.order_system = $1 and d.endpoint_id = $2 order by d.seq desc limit $3`,
      [orderSystem, endpointId, limit],
    );
    const ids = rows.map((r) => r.delivery_id as string);
    const { rows: log } = await this.pool.query(
      `select * from ${this.s}.webhook_attempts where delivery_id = any($1) order by delivery_id, attempt`,
      [ids],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      endpointId: r.endpoint_id,
      paymentId: r.payment_id,
      eventId: r.event_id,
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
      lastError: r.last_error,
      lastStatusCode: r.last_status_code,
      createdAt: r.created_at.toISOString(),
      deliveredAt: iso(r.delivered_at),
      log: log
        .filter((a) => a.delivery_id === r.delivery_id)
        .map((a) => ({
          attempt: a.attempt,
          at: a.at.toISOString(),
          statusCode: a.status_code,
          error: a.error,
          durationMs: a.duration_ms,
        })),
    }));
  }

  /** Sends a delivery again now, with a fresh retry window (dead or delivered alike). */
  async redeliver(orderSystem: string, deliveryId: string, now: Date, retryWindowMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update ${this.s}.webhook_deliveries d set status = 'pending', next_attempt_at = $3, give_up_at = $4, delivered_at = null
         from ${this.s}.webhook_endpoints ep
        where d.delivery_id = $2 and ep.endpoint_id = d.endpoint_id and ep.order_system = $1`,
      [orderSystem, deliveryId, now, new Date(now.getTime() + retryWindowMs)],
    );
    return rowCount === 1;
  }
}
