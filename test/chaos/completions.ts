// Every PaymentCompleted on ivr.payment-completed.v1 since the run began, read by a consumer started
// once the faults are over. A consumer that lived through the Kafka restart cannot be trusted for
// this: a partition without a committed offset is reset to its end when the group rejoins, skipping
// what was published in between (the product's own consumers start from the beginning for that reason).
import { type EventEnvelope, PAYMENT_COMPLETED_TYPE, Topics } from '@ivr/contracts';
import type { Consumer, Kafka } from 'kafkajs';

export type TopicOffsets = Array<{ partition: number; offset: string }>;

/** Where the topic ends now: a run's reading starts there. */
export async function paymentCompletedOffsets(kafka: Kafka): Promise<TopicOffsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(Topics.paymentCompleted)).map(({ partition, offset }) => ({
      partition,
      offset,
    }));
  } finally {
    await admin.disconnect();
  }
}

export class CompletionReader {
  /** Event ids of PaymentCompleted per payment id. */
  private readonly eventIds = new Map<string, Set<string>>();
  private readonly records = new Map<string, number>();
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, from: TopicOffsets, groupId: string): Promise<CompletionReader> {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const reader = new CompletionReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.paymentCompleted, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(String(message.value)) as EventEnvelope<{ paymentId: string }>;
        if (e.type !== PAYMENT_COMPLETED_TYPE) return;
        reader.records.set(e.payload.paymentId, (reader.records.get(e.payload.paymentId) ?? 0) + 1);
        const ids = reader.eventIds.get(e.payload.paymentId) ?? new Set<string>();
        ids.add(e.eventId);
        reader.eventIds.set(e.payload.paymentId, ids);
      },
    });
    for (const { partition, offset } of from) consumer.seek({ topic: Topics.paymentCompleted, partition, offset });
    return reader;
  }

  of(paymentId: string): Set<string> {
    return this.eventIds.get(paymentId) ?? new Set();
  }

  /** Records read for these payments (more than their event ids: redeliveries). */
  recordsOf(paymentIds: Set<string>): number {
    let n = 0;
    for (const id of paymentIds) n += this.records.get(id) ?? 0;
    return n;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
