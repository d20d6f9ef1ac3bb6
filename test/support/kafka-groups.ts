/**
 * Consumer groups made for one test run start at the end of every topic. A fresh group of a
 * service that reads from the beginning (order-link's process manager, notification's deliveries)
 * would otherwise replay the topics' whole history first: minutes on a machine that has run
 * benchmarks, while the run's own payments wait behind it (and every replayed record becomes a span).
 */
import { Topics } from '@ivr/contracts';
import type { Kafka } from 'kafkajs';

/** Commits the current end of every product topic for groups that have not consumed yet. */
export async function startGroupsAtEnd(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of Object.values(Topics)) {
      const ends = await admin.fetchTopicOffsets(topic);
      const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
      for (const groupId of groupIds) await admin.setOffsets({ groupId, topic, partitions });
    }
  } finally {
    await admin.disconnect();
  }
}
