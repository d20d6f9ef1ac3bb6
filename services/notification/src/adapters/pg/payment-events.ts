import type { EventEnvelope } from '@ivr/contracts';
import type { EventStore } from '@ivr/eventstore';
import type { DeliveryInbox, NewDelivery, PaymentEventLog } from '../../app/ports';
import { CONSUMER_GROUP } from '../../config';
import type { WebhookRepository } from './webhook-repository';

/**
 * Consumed events in notification's schema, each once: the processed-event mark and the effect share
 * one transaction, so a redelivered event (the relay publishes at least once) changes nothing.
 */
export class PgPaymentEvents implements PaymentEventLog, DeliveryInbox {
  constructor(
    private readonly store: EventStore,
    private readonly webhooks: WebhookRepository,
  ) {}

  record(envelope: EventEnvelope): Promise<boolean> {
    return this.store.transaction((tx) =>
      tx.processOnce(CONSUMER_GROUP, envelope.eventId, async () => {
        await tx.client.query(
          `insert into "${this.store.schema}".payment_events (event_id, payment_id, type, version) values ($1, $2, $3, $4)`,
          [envelope.eventId, envelope.aggregateId, envelope.type, envelope.version],
        );
      }),
    );
  }

  async enqueueOnce(consumer: string, eventId: string, delivery: NewDelivery): Promise<number> {
    let enqueued = 0;
    await this.store.transaction((tx) =>
      tx.processOnce(consumer, eventId, async () => {
        enqueued = await this.webhooks.enqueue(tx, delivery);
      }),
    );
    return enqueued;
  }
}
