import type { EventEnvelope } from '@ivr/contracts';
import {
  createKafka,
  DeadLetterHeaders,
  type EventHandler,
  KafkaEventPublisher,
  type KafkaLogger,
  type RunConsumerOptions,
  type RunningConsumer,
  runConsumer,
  UnknownTopicError,
} from '../src';
import { brokers, envelope, TestTopics, waitFor } from './kafka-test-kit';

const topics = new TestTopics();
// Every error-level line, from kafkajs and from runConsumer: normal operation and a graceful stop log none.
const errorsLogged: string[] = [];
const logger: KafkaLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (_obj, msg) => void errorsLogged.push(msg ?? ''),
};
const kafka = createKafka({ brokers: brokers(), clientId: 'kafka-consumer-int-test', logger });
const publisher = new KafkaEventPublisher(kafka);
const running = new Set<RunningConsumer>();

beforeAll(async () => {
  await topics.start();
  await publisher.connect();
});

afterAll(async () => {
  await Promise.all([...running].map((c) => c.stop()));
  await publisher.disconnect();
  await topics.stop();
});

async function start(options: Omit<RunConsumerOptions, 'kafka'>): Promise<RunningConsumer> {
  const consumer = await runConsumer({
    kafka,
    logger,
    fromBeginning: true,
    retryBackoff: { initialMs: 20 },
    ...options,
  });
  running.add(consumer);
  return consumer;
}

async function stop(consumer: RunningConsumer): Promise<void> {
  await consumer.stop();
  running.delete(consumer);
}

/** Waits until the group's committed offset of partition 0 is `offset` (the jest timeout is the limit). */
async function committed(groupId: string, topic: string, offset: string): Promise<void> {
  while ((await topics.committedOffset(groupId, topic)) !== offset) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const publish = (topic: string, events: EventEnvelope[]) =>
  publisher.publish(events.map((e) => ({ topic, key: e.aggregateId, envelope: e })));

it('dead-letters a malformed message with the reason and goes on to the next one', async () => {
  const topic = await topics.create('malformed');
  const deadLetterTopic = await topics.create('malformed.dlq');
  const groupId = topics.group('malformed');
  const good1 = envelope('a', 1);
  const good2 = envelope('a', 2);
  const notJson = '{"specVersion":1,';
  const badEnvelope = JSON.stringify({ ...envelope('a', 3), specVersion: 2 });
  await topics.produceRaw(topic, [
    { key: 'a', value: JSON.stringify(good1) },
    { key: 'a', value: notJson },
    { key: 'a', value: badEnvelope },
    { key: 'a', value: null },
    { key: 'a', value: JSON.stringify(good2) },
  ]);
  const handled: string[] = [];

  await start({ groupId, topics: [topic], deadLetterTopic, handle: async (e) => void handled.push(e.eventId) });

  await waitFor(() => handled.length === 2, 'both good events');
  expect(handled).toEqual([good1.eventId, good2.eventId]);
  const dead = await topics.read(deadLetterTopic, 3);
  expect(dead.map((m) => m.value?.toString() ?? null)).toEqual([notJson, badEnvelope, null]);
  expect(dead.map((m) => m.key?.toString())).toEqual(['a', 'a', 'a']);
  expect(dead.map((m) => m.headers?.[DeadLetterHeaders.reason]?.toString())).toEqual([
    'malformed envelope: value is not JSON',
    'malformed envelope: specVersion must be 1',
    'malformed envelope: empty message value',
  ]);
  expect(dead.map((m) => m.headers?.[DeadLetterHeaders.sourceOffset]?.toString())).toEqual(['1', '2', '3']);
  expect(dead[0]?.headers?.[DeadLetterHeaders.sourceTopic]?.toString()).toBe(topic);
  expect(dead[0]?.headers?.[DeadLetterHeaders.sourcePartition]?.toString()).toBe('0');
  expect(dead[0]?.headers?.[DeadLetterHeaders.consumerGroup]?.toString()).toBe(groupId);
});

it('retries a handler that fails twice, then succeeds, without dead-lettering', async () => {
  const topic = await topics.create('retry');
  const deadLetterTopic = await topics.create('retry.dlq');
  const first = envelope('b', 1);
  const second = envelope('b', 2);
  const attempts: [string, number][] = [];
  const handle: EventHandler = async (e, ctx) => {
    attempts.push([e.eventId, ctx.attempt]);
    if (e.eventId === first.eventId && ctx.attempt < 3) throw new Error(`transient failure ${ctx.attempt}`);
  };
  await publish(topic, [first, second]);

  await start({ groupId: topics.group('retry'), topics: [topic], deadLetterTopic, handle });

  await waitFor(() => attempts.some(([id]) => id === second.eventId), 'the second event');
  expect(attempts).toEqual([
    [first.eventId, 1],
    [first.eventId, 2],
    [first.eventId, 3],
    [second.eventId, 1],
  ]);
  // The second event is handled only after the first was settled, so a dead-letter would be there by now.
  expect(await topics.messageCount(deadLetterTopic)).toBe(0);
});

it('dead-letters an event whose handler keeps failing, with the masked error, and goes on', async () => {
  const topic = await topics.create('poison');
  const deadLetterTopic = await topics.create('poison.dlq');
  const poison = envelope('c', 1);
  const next = envelope('c', 2);
  let poisonAttempts = 0;
  const handled: string[] = [];
  const handle: EventHandler = async (e) => {
    if (e.eventId === poison.eventId) {
      poisonAttempts++;
      // A careless error that quotes a card number must not reach the dead-letter headers.
      throw new Error('declined card 4242424242424242');
    }
    handled.push(e.eventId);
  };
  await publish(topic, [poison, next]);

  await start({ groupId: topics.group('poison'), topics: [topic], deadLetterTopic, maxAttempts: 3, handle });

  await waitFor(() => handled.length === 1, 'the next event');
  expect(handled).toEqual([next.eventId]);
  expect(poisonAttempts).toBe(3);
  const [dead] = await topics.read(deadLetterTopic, 1);
  expect(dead?.headers?.[DeadLetterHeaders.reason]?.toString()).toBe(
    'handler failed after 3 attempts: Error: declined card [masked]',
  );
  expect(dead?.headers?.[DeadLetterHeaders.attempts]?.toString()).toBe('3');
  expect(dead?.headers?.['event-id']?.toString()).toBe(poison.eventId);
  expect(JSON.parse(dead?.value?.toString() ?? '')).toEqual(poison);
});

it('resumes after a restart without re-delivering committed messages', async () => {
  const topic = await topics.create('restart');
  const deadLetterTopic = await topics.create('restart.dlq');
  const groupId = topics.group('restart');
  const events = [1, 2, 3, 4, 5].map((v) => envelope('d', v));
  const firstRun: number[] = [];
  const secondRun: number[] = [];
  await publish(topic, events.slice(0, 3));

  const consumer = await start({
    groupId,
    topics: [topic],
    deadLetterTopic,
    handle: async (e) => void firstRun.push(e.version),
  });
  await waitFor(() => firstRun.length === 3, 'the first three events');
  await stop(consumer);
  await publish(topic, events.slice(3));
  await start({ groupId, topics: [topic], deadLetterTopic, handle: async (e) => void secondRun.push(e.version) });

  await waitFor(() => secondRun.length === 2, 'the two new events');
  expect(firstRun).toEqual([1, 2, 3]);
  expect(secondRun).toEqual([4, 5]);
});

it('stop() during retries leaves the message uncommitted, so the next run gets it', async () => {
  const topic = await topics.create('stop-in-retry');
  const deadLetterTopic = await topics.create('stop-in-retry.dlq');
  const groupId = topics.group('stop-in-retry');
  const event = envelope('e', 1);
  let failures = 0;
  const handledLater: string[] = [];
  errorsLogged.length = 0;
  await publish(topic, [event]);

  const failing = await start({
    groupId,
    topics: [topic],
    deadLetterTopic,
    // A backoff far beyond the test timeout: only an interrupted wait lets stop() return.
    retryBackoff: { initialMs: 600_000, maxMs: 600_000 },
    handle: async () => {
      failures++;
      throw new Error('downstream unavailable');
    },
  });
  await waitFor(() => failures === 1, 'the first failure');
  await stop(failing);
  await start({ groupId, topics: [topic], deadLetterTopic, handle: async (e) => void handledLater.push(e.eventId) });

  await waitFor(() => handledLater.length === 1, 'the redelivered event');
  expect(handledLater).toEqual([event.eventId]);
  expect(await topics.messageCount(deadLetterTopic)).toBe(0);
  // kafkajs logs retriable protocol answers ("Response GroupCoordinator ...") while a fresh broker
  // loads its coordinators: noise, not the crash this checks for.
  expect(errorsLogged.filter((m) => !m.startsWith('Response '))).toEqual([]);
});

it('commits a finished message within the commit interval, never one still in its handler', async () => {
  const topic = await topics.create('commit-interval');
  const deadLetterTopic = await topics.create('commit-interval.dlq');
  const groupId = topics.group('commit-interval');
  // The first of a partition is committed at once (see the next test); the second waits for the interval.
  const [first, second, inHandler] = [envelope('f', 1), envelope('f', 2), envelope('f', 3)];
  let failures = 0;
  const handledLater: string[] = [];
  await publish(topic, [first, second, inHandler]);

  const consumer = await start({
    groupId,
    topics: [topic],
    deadLetterTopic,
    commitIntervalMs: 100,
    retryBackoff: { initialMs: 600_000, maxMs: 600_000 },
    handle: async (e) => {
      if (e.eventId === inHandler.eventId) {
        failures++;
        throw new Error('downstream unavailable');
      }
    },
  });
  // Committed while the consumer runs (no stop, no further message), by the interval alone.
  await committed(groupId, topic, '2');
  await waitFor(() => failures === 1, 'the third event in its handler');
  await stop(consumer);
  expect(await topics.committedOffset(groupId, topic)).toBe('2');

  await start({ groupId, topics: [topic], deadLetterTopic, handle: async (e) => void handledLater.push(e.eventId) });
  await waitFor(() => handledLater.length === 1, 'the unfinished event again');
  expect(handledLater).toEqual([inHandler.eventId]);
});

it('commits the first finished message of a partition at once, the next ones on the interval or on stop', async () => {
  const topic = await topics.create('commit-first');
  const deadLetterTopic = await topics.create('commit-first.dlq');
  const groupId = topics.group('commit-first');
  const handled: number[] = [];
  await publish(topic, [envelope('g', 1)]);

  // A group that starts at the end would skip what came while it was down if none of its offsets
  // were committed yet: the first one is not left waiting for the interval (ten minutes here).
  const options = { groupId, topics: [topic], deadLetterTopic, commitIntervalMs: 600_000 };
  const consumer = await start({ ...options, handle: async (e) => void handled.push(e.version) });
  await committed(groupId, topic, '1');
  await publish(topic, [envelope('g', 2)]);
  await waitFor(() => handled.length === 2, 'the second event');
  await stop(consumer);
  expect(await topics.committedOffset(groupId, topic)).toBe('2');
});

it('tells the service when kafkajs gives up on the consumer, so that it can end rather than stay deaf', async () => {
  const topic = await topics.create('gives-up');
  // A dead-letter copy can never fit: the broker answers MESSAGE_TOO_LARGE, which is not retriable.
  const deadLetterTopic = await topics.create('gives-up.dlq', 1, { 'max.message.bytes': '64' });
  const failures: string[] = [];
  await topics.produceRaw(topic, [{ key: 'a', value: 'not an envelope' }]);

  await start({
    groupId: topics.group('gives-up'),
    topics: [topic],
    deadLetterTopic,
    handle: async () => {},
    onFailed: (reason) => void failures.push(reason),
  });

  await waitFor(() => failures.length > 0, 'the consumer to be given up');
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatch(
    /^Kafka consumer test\.kafka\.group\.gives-up\.\S+ stopped for good: .*larger than the max message size/,
  );
});

describe('topics missing on the broker', () => {
  it('refuses to start a consumer on a topic that does not exist, naming it', async () => {
    const missing = `test.kafka.missing.${Date.now()}`;
    const deadLetterTopic = await topics.create('missing.dlq');
    const error = await runConsumer({
      kafka,
      groupId: topics.group('missing'),
      topics: [missing],
      deadLetterTopic,
      handle: async () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as Error).message).toContain(`topic(s) ${missing} not found`);
  });

  it('refuses to start a consumer whose dead-letter topic does not exist', async () => {
    const topic = await topics.create('missing-dlq');
    const missing = `test.kafka.missing-dlq.${Date.now()}`;
    const error = await runConsumer({
      kafka,
      groupId: topics.group('missing-dlq'),
      topics: [topic],
      deadLetterTopic: missing,
      handle: async () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as Error).message).toContain(missing);
  });
});
