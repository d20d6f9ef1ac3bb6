import type { Actor } from '@ivr/contracts';
import type { EventStore, RecordedEvent } from '@ivr/eventstore';
import type { AuditTrail } from '../../app/ports';
import { paymentStreamId } from './payment-store';

const auditStreamId = (paymentId: string): string => `payment-audit-${paymentId}`;

/** Reads of payments, as events in a per-payment audit stream of the event table (not published). */
export class PaymentAudit implements AuditTrail {
  constructor(private readonly store: EventStore) {}

  async paymentViewed(paymentId: string, by: Actor, via: string, at: Date): Promise<void> {
    // 'any': concurrent reads of one payment each get the next version (the event store retries).
    await this.store.append(
      auditStreamId(paymentId),
      'any',
      [{ type: 'PaymentViewed', data: { paymentId, by, via, at: at.toISOString() } }],
      { streamType: 'PaymentAudit', metadata: { actor: `${by.kind}:${by.id}` } },
    );
  }

  /** A payment's events and its audit trail, oldest first: what the console's timeline shows. */
  async timeline(paymentId: string): Promise<RecordedEvent[]> {
    const events = [
      ...(await this.store.readStream(paymentStreamId(paymentId))),
      ...(await this.store.readStream(auditStreamId(paymentId))),
    ];
    return events.sort(
      (a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.globalPosition - b.globalPosition,
    );
  }
}
