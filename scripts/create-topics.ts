/**
 * Creates (or checks) every topic declared in packages/contracts/src/topics.ts. Idempotent: existing
 * topics are left alone, missing ones are created. Run by `make up-infra`.
 */

import { topicSpecs } from '@ivr/contracts';
import { createKafka } from '@ivr/kafka';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
  // Through @ivr/kafka like every client here: its patch of kafkajs's idle timer applies (no warning).
  const kafka = createKafka({ clientId: 'create-topics', brokers });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: String(t.retentionHours < 0 ? -1 : t.retentionHours * 3600_000) },
          ],
        })),
      });
    }
    console.log(`topics: ${topicSpecs.length} declared, ${missing.length} created`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`create-topics failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
