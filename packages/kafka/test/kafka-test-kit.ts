// Shared by the integration tests: unique topics and groups on the shared broker, and polling.
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { type Admin, type Kafka, type KafkaMessage, logLevel, Kafka as RawKafka } from 'kafkajs';
import { parseBrokers } from '../src';

export const brokers = (): string[] => parseBrokers(process.env.KAFKA_BROKERS ?? '127.0.0.1:59092');

export const unique = (prefix: string): string => `test.kafka.${prefix}.${randomUUID().slice(0, 8)}`;

export function envelope(aggregateId: string, version: number, payload: object = {}): EventEnvelope {
  return {
    specVersion: 1,
    eventId: randomUUID(),
    type: 'TestHappened',
    aggregateType: 'Test',
    aggregateId,
    version,
    occurredAt: new Date().toISOString(),
    payload,
  };
}

/** Topics made for one test file and deleted after it; the broker never auto-creates them. */
export class TestTopics {
  private readonly kafka = new RawKafka({
    brokers: brokers(),
    clientId: 'kafka-test-admin',
    logLevel: logLevel.NOTHING,
  });
  private readonly admin: Admin = this.kafka.admin();
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];

  async start(): Promise<void> {
    await this.admin.connect();
  }

  /** `config`: topic settings, e.g. `{ 'max.message.bytes': '64' }`. */
  async create(prefix: string, partitions = 1, config: Record<string, string> = {}): Promise<string> {
    const topic = unique(prefix);
    const configEntries = Object.entries(config).map(([name, value]) => ({ name, value }));
    await this.admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }] });
    this.topics.push(topic);
    await this.waitForLeaders(topic, partitions);
    return topic;
  }

  /**
   * kafkajs's own `waitForLeaders` retries only LEADER_NOT_AVAILABLE; a loaded KRaft broker can answer
   * UNKNOWN_TOPIC_OR_PARTITION for a moment after the topic was created, which ended tests early.
   */
  private async waitForLeaders(topic: string, partitions: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const led = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
        if (led === partitions) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic}: no leader for every partition after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  group(prefix: string): string {
    const id = unique(`group.${prefix}`);
    this.groups.push(id);
    return id;
  }

  /** Raw producer for messages the publisher would never write (malformed ones). */
  async produceRaw(topic: string, messages: { key: string; value: string | null }[]): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages });
    await producer.disconnect();
  }

  async messageCount(topic: string): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }

  /** The offset `groupId` committed for partition 0 of `topic` ('-1' when none). */
  async committedOffset(groupId: string, topic: string): Promise<string> {
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
  }

  /** Reads the first `count` messages of a topic with a throw-away group. */
  async read(topic: string, count: number): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: this.group('reader'), maxWaitTimeInMs: 500 });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
      },
    });
    await waitFor(() => seen.length >= count, `${count} messages on ${topic}`);
    await consumer.disconnect();
    return seen;
  }

  async stop(): Promise<void> {
    if (this.groups.length > 0) await this.admin.deleteGroups(this.groups).catch(() => {});
    if (this.topics.length > 0) await this.admin.deleteTopics({ topics: this.topics });
    await this.admin.disconnect();
  }
}

/** Polls until `condition` holds; the jest timeout is the only limit, so no test depends on speed. */
export async function waitFor(condition: () => boolean, what: string, pollMs = 25): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 50_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export type { Kafka };
