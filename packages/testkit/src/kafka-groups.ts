/**
 * Consumer groups made for one test run start at the end of every topic. A fresh group of a
 * service that reads from the beginning (order-link's process manager, notification's deliveries)
 * would otherwise replay the topics' whole history first: minutes on a machine that has run
 * benchmarks, while the run's own payments wait behind it (and every replayed record becomes a span).
 */
import { Topics } from '@ivr/contracts';
import type { Admin, Kafka } from 'kafkajs';

type Ends = Map<string, { partition: number; offset: string }[]>;

/** Commits the current end of every product topic for groups that have not consumed yet. */
export async function startGroupsAtEnd(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: Ends = new Map();
    for (const topic of Object.values(Topics)) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(
        topic,
        offsets.map(({ partition, high }) => ({ partition, offset: high })),
      );
    }
    await Promise.all(
      groupIds.map(async (groupId) => {
        for (let attempt = 1; !(await committedAtEnd(admin, groupId, ends)); attempt++) {
          if (attempt > 3) throw new Error(`could not start consumer group ${groupId} at the topics' end`);
          await commitEnds(kafka, groupId, ends);
        }
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

async function committedAtEnd(admin: Admin, groupId: string, ends: Ends): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...ends.keys()] });
  return committed.every(({ topic, partitions }) =>
    partitions.every(
      (p) => Number(p.offset) >= Number(ends.get(topic)?.find((e) => e.partition === p.partition)?.offset ?? 0),
    ),
  );
}

/**
 * kafkajs's admin.setOffsets does this one topic at a time and waits out a 5 s fetch each time
 * (75 s for three groups); here it is one short-lived member per group: join, seek (which commits
 * when autoCommit is on), let two fetch rounds apply the seeks, leave.
 */
async function commitEnds(kafka: Kafka, groupId: string, ends: Ends): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...ends.keys()], fromBeginning: false });
    let roundsAfterSeek = -1;
    const applied = new Promise<void>((resolve) =>
      consumer.on(consumer.events.FETCH, () => {
        if (roundsAfterSeek >= 0 && ++roundsAfterSeek === 2) resolve();
      }),
    );
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} });
    consumer.pause([...ends.keys()].map((topic) => ({ topic })));
    for (const [topic, partitions] of ends) {
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    }
    roundsAfterSeek = 0;
    await applied;
  } finally {
    await consumer.disconnect();
  }
}
