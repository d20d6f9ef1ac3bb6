import type { EventEnvelope } from '@ivr/contracts';
import type { EventStore } from '@ivr/eventstore';
import { CONSUMER_GROUP } from '../../config';

/**
 * Records a payment event once: the processed-event mark and the effect share one transaction, so a
 * redelivered event (the relay publishes at least once) changes nothing.
 */
export async function recordPaymentEvent(store: EventStore, envelope: EventEnvelope): Promise<boolean> {
  return store.transaction((tx) =>
    tx.processOnce(CONSUMER_GROUP, envelope.eventId, async () => {
      await tx.client.query(
        `insert into "${store.schema}".payment_events (event_id, payment_id, type, version) values ($1, $2, $3, $4)`,
        [envelope.eventId, envelope.aggregateId, envelope.type, envelope.version],
      );
    }),
  );
}
