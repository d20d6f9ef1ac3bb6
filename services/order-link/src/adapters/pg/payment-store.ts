import { randomUUID } from 'node:crypto';
import { type EventEnvelope, PAYMENT_COMPLETED_TYPE, Topics } from '@ivr/contracts';
import { ConcurrencyError, type EventStore, type EventStoreTransaction } from '@ivr/eventstore';
import type { Counter, Meter } from '@opentelemetry/api';
import {
  decide,
  evolve,
  fold,
  isTerminal,
  type Payment,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  toPaymentCompleted,
} from '../../payment';

export interface ExecuteOptions {
  /** Who caused it, recorded in the events' metadata (the audit trail). */
  actor: string;
  correlationId?: string;
  causationId?: string;
  /** Idempotent consumers: skip when this consumer already handled this event id. */
  dedupe?: { consumer: string; eventId: string };
  /**
   * Runs in the same transaction before deciding, e.g. to reserve a transfer code; may answer the
   * command to decide instead (completed with what it reserved).
   */
  before?: (tx: EventStoreTransaction, state: PaymentState) => Promise<PaymentCommand | undefined>;
  /** Runs in the same transaction after the append, e.g. to record the idempotent response. */
  after?: (tx: EventStoreTransaction, state: PaymentState) => Promise<void>;
}

export interface ExecuteResult {
  state: PaymentState;
  events: PaymentEvent[];
  /** false when the event was a duplicate for `dedupe`. */
  applied: boolean;
}

/** The stream id is the payment id, so that envelopes carry aggregateId = payment id. */
export const paymentStreamId = (paymentId: string): string => paymentId;

/**
 * Runs Payment commands: load → decide → append (events to `ivr.payments.v1` through the outbox),
 * and in the same transaction updates the `payments` read model, releases the transfer code once
 * the payment leaves REQUESTED, and enqueues the public PaymentCompleted on a terminal outcome.
 * A concurrent writer makes the append fail; the command is then decided again on fresh state.
 */
export class PaymentStore {
  private readonly outcomes: Counter | undefined;

  constructor(
    private readonly store: EventStore,
    meter?: Meter,
  ) {
    this.outcomes = meter?.createCounter('payments_total', {
      description: 'Payments by status reached: REQUESTED when created, then each terminal outcome',
    });
  }

  get schema(): string {
    return this.store.schema;
  }

  async execute(paymentId: string, command: PaymentCommand, options: ExecuteOptions): Promise<ExecuteResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.transaction((tx) => this.executeIn(tx, paymentId, command, options));
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= 5) throw err;
      }
    }
  }

  private async executeIn(
    tx: EventStoreTransaction,
    paymentId: string,
    command: PaymentCommand,
    options: ExecuteOptions,
  ): Promise<ExecuteResult> {
    const streamId = paymentStreamId(paymentId);
    if (options.dedupe) {
      const fresh = await tx.processOnce(options.dedupe.consumer, options.dedupe.eventId, async () => undefined);
      if (!fresh) return { state: null, events: [], applied: false };
    }
    const history = await tx.readStream(streamId);
    const state = fold(history.map((e) => ({ type: e.type, data: e.data }) as PaymentEvent));
    const events = decide((await options.before?.(tx, state)) ?? command, state);
    const next = events.reduce(evolve, state);
    // Everything else is written before the append: the append takes the schema's append lock,
    // which is held until commit, so the less that follows it the more commands run in parallel.
    const eventIds = events.map(() => randomUUID());
    if (events.length > 0 && next) {
      const version = history.length + events.length;
      await this.project(tx, next, version);
      if (next.status !== 'REQUESTED') {
        await tx.client.query(`delete from "${this.schema}".transfer_codes where payment_id = $1`, [paymentId]);
      }
      if (isTerminal(next.status) && state && !isTerminal(state.status)) {
        await this.enqueueCompleted(tx, next, version, eventIds[eventIds.length - 1]!, options.correlationId);
      }
    }
    await options.after?.(tx, next);
    if (events.length > 0) {
      await tx.append(streamId, history.length, events, {
        streamType: 'Payment',
        outbox: { topic: Topics.payments, key: paymentId },
        eventIds,
        metadata: {
          actor: options.actor,
          ...(options.correlationId ? { correlationId: options.correlationId } : {}),
          ...(options.causationId ? { causationId: options.causationId } : {}),
        },
      });
    }
    if (next && events.length > 0 && (next.status === 'REQUESTED' || isTerminal(next.status))) {
      this.outcomes?.add(1, { status: next.status });
    }
    return { state: next, events, applied: true };
  }

  private async project(tx: EventStoreTransaction, p: Payment, version: number): Promise<void> {
    await tx.client.query(
      `insert into "${this.schema}".payments
         (payment_id, order_system, order_id, status, created_at, updated_at, transfer_code_expires_at, version, state)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (payment_id) do update
         set status = excluded.status, updated_at = excluded.updated_at, version = excluded.version, state = excluded.state`,
      [
        p.request.paymentId,
        p.request.orderSystem,
        p.request.orderId,
        p.status,
        p.request.requestedAt,
        p.updatedAt,
        p.request.transferCodeExpiresAt,
        version,
        p,
      ],
    );
  }

  /**
   * The public event, keyed by order id, written to the outbox with the terminal event (whose append
   * wakes the relay after commit).
   */
  private async enqueueCompleted(
    tx: EventStoreTransaction,
    p: Payment,
    version: number,
    causationId: string,
    correlationId: string | undefined,
  ): Promise<void> {
    const payload = toPaymentCompleted(p)!;
    const envelope: EventEnvelope = {
      specVersion: 1,
      eventId: randomUUID(),
      type: PAYMENT_COMPLETED_TYPE,
      aggregateType: 'Payment',
      aggregateId: p.request.paymentId,
      version,
      occurredAt: payload.completedAt,
      ...(correlationId ? { correlationId } : {}),
      causationId,
      payload,
    };
    await tx.client.query(
      `insert into "${this.schema}".outbox (event_id, topic, key, envelope, headers) values ($1, $2, $3, $4, '{}')`,
      [envelope.eventId, Topics.paymentCompleted, p.request.orderId, envelope],
    );
  }
}
