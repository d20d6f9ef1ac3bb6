import { randomUUID } from 'node:crypto';
import { PAYMENT_COMPLETED_TYPE, Topics } from '@ivr/contracts';
import { type Change, type EventStore, type EventStoreTransaction, handleCommand, sendTogether } from '@ivr/eventstore';
import type { Counter, Meter } from '@opentelemetry/api';
import type { ExecuteOptions, ExecuteResult, PaymentCommands } from '../../app/ports';
import {
  completedBy,
  isTerminal,
  lifecycleEventsBy,
  type Payment,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  paymentDecider,
  storedCardBy,
} from '../../payment';
import { prepared } from './prepared';

/** The stream id is the payment id, so that envelopes carry aggregateId = payment id. */
const ignore = (): void => undefined;

export const paymentStreamId = (paymentId: string): string => paymentId;

/**
 * Runs Payment commands through @ivr/eventstore's handleCommand (events to `ivr.payments.v1` through
 * the outbox) and writes, in the same transaction, what the change implies here: the `payments` read
 * model, the transfer code's release once the payment leaves REQUESTED, and what the Payment decider's
 * module says the change implies: the card a registration stored (`storedCardBy`), the public
 * lifecycle events (`lifecycleEventsBy`) and PaymentCompleted (`completedBy`).
 */
export class PaymentStore implements PaymentCommands {
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
    let written: Promise<unknown> | undefined;
    const { events, state, applied } = await handleCommand(
      this.store,
      paymentDecider,
      paymentStreamId(paymentId),
      command,
      {
        streamType: 'Payment',
        outbox: { topic: Topics.payments, key: paymentId },
        metadata: {
          actor: options.actor,
          ...(options.correlationId ? { correlationId: options.correlationId } : {}),
          ...(options.causationId ? { causationId: options.causationId } : {}),
        },
        ...(options.dedupe ? { dedupe: options.dedupe } : {}),
        ...(options.before ? { prepare: options.before } : {}),
        ...(options.known ? { known: options.known } : {}),
        // Sent, not awaited: on a pipelining connection (createPgPool's) these statements leave with the
        // append and its COMMIT in one write and one round trip (a write to the socket per statement
        // was a third of order-link's CPU). A failed one aborts the transaction: the append behind it
        // fails and the COMMIT only rolls back; the command then fails with the first failure's error.
        inTransaction: async (tx, change) => {
          sendTogether(tx.client);
          written = Promise.all([
            this.writeChange(tx, change, options.correlationId),
            options.after?.(tx, change.next),
          ]);
          written.catch(ignore);
        },
      },
    ).catch(async (err: unknown) => {
      await written;
      throw err;
    });
    if (state && events.length > 0 && (state.status === 'REQUESTED' || isTerminal(state.status))) {
      this.outcomes?.add(1, { status: state.status });
    }
    return { state, events, applied };
  }

  /** Sends every statement of the change at once (none waits for another's answer). */
  private writeChange(
    tx: EventStoreTransaction,
    change: Change<PaymentEvent, PaymentState>,
    correlationId: string | undefined,
  ): Promise<unknown> {
    const next = change.next as Payment; // a payment's first event makes it non-null
    const writes: Promise<unknown>[] = [this.project(tx, next, change.version)];
    if (next.status !== 'REQUESTED') {
      writes.push(
        tx.client.query(`delete from "${this.schema}".transfer_codes where payment_id = $1`, [next.request.paymentId]),
      );
    }
    const stored = storedCardBy(change.state, next);
    if (stored) {
      writes.push(
        tx.client.query(
          `insert into "${this.schema}".stored_cards
             (order_system, stored_card_reference, registration_payment_id, customer_reference, registered_at)
           values ($1, $2, $3, $4, $5) on conflict do nothing`,
          [
            stored.orderSystem,
            stored.storedCardReference,
            stored.registrationPaymentId,
            stored.customerReference,
            stored.registeredAt,
          ],
        ),
      );
    }
    // Public events, keyed by order id so that an order system reads its orders' news in order.
    const publish = (topic: string, type: string, occurredAt: string, payload: unknown) => ({
      topic,
      key: next.request.orderId,
      envelope: {
        specVersion: 1 as const,
        eventId: randomUUID(),
        type,
        aggregateType: 'Payment',
        aggregateId: next.request.paymentId,
        version: change.version,
        occurredAt,
        ...(correlationId ? { correlationId } : {}),
        causationId: change.eventIds[change.eventIds.length - 1]!,
        payload,
      },
    });
    // The settled captures, voids and refunds.
    const lifecycle = lifecycleEventsBy(next, change.events);
    if (lifecycle.length > 0) {
      writes.push(
        tx.enqueue(
          lifecycle.map(({ type, payload }) =>
            publish(Topics.paymentLifecycle, type, payload.operation.completedAt, payload),
          ),
        ),
      );
    }
    const completed = completedBy(change.state, next);
    if (completed)
      writes.push(
        tx.enqueue([publish(Topics.paymentCompleted, PAYMENT_COMPLETED_TYPE, completed.completedAt, completed)]),
      );
    return Promise.all(writes);
  }

  private project(tx: EventStoreTransaction, p: Payment, version: number): Promise<unknown> {
    return tx.client.query(
      prepared(
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
          p.request.storedCard ? null : p.request.transferCodeExpiresAt,
          version,
          p,
        ],
      ),
    );
  }
}
