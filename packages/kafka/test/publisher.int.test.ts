import { createServer } from 'node:net';
import type { EventEnvelope } from '@ivr/contracts';
import { startTelemetry } from '@ivr/telemetry';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  createKafka,
  KafkaEventPublisher,
  KafkaUnavailableError,
  type MessageContext,
  type RunningConsumer,
  runConsumer,
  UnknownTopicError,
} from '../src';
import { brokers, envelope, TestTopics, waitFor } from './kafka-test-kit';

const telemetry = startTelemetry({ service: 'kafka-publisher-int-test', mode: 'memory' });

const topics = new TestTopics();
const kafka = createKafka({ brokers: brokers(), clientId: 'kafka-publisher-int-test' });
const publisher = new KafkaEventPublisher(kafka);
const running: RunningConsumer[] = [];

beforeAll(async () => {
  await topics.start();
  await publisher.connect();
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await publisher.disconnect();
  await topics.stop();
  await telemetry.shutdown();
});

type Received = { envelope: EventEnvelope; ctx: MessageContext; traceId: string | undefined };

async function consume(topic: string, groupPrefix: string): Promise<Received[]> {
  const received: Received[] = [];
  const consumer = await runConsumer({
    kafka,
    groupId: topics.group(groupPrefix),
    topics: [topic],
    fromBeginning: true,
    deadLetterTopic: await topics.create(`${groupPrefix}.dlq`),
    handle: async (envelope, ctx) => {
      received.push({ envelope, ctx, traceId: trace.getActiveSpan()?.spanContext().traceId });
    },
  });
  running.push(consumer);
  return received;
}

it('round-trips an envelope with event headers and the trace context of the publishing request', async () => {
  const topic = await topics.create('roundtrip');
  const received = await consume(topic, 'roundtrip');
  const sent = envelope('pay-1', 1, { amountMinor: 1999, currency: 'GBP' });

  const requestTraceId = await trace.getTracer('test').startActiveSpan('request', async (span) => {
    await publisher.publish([{ topic, key: 'pay-1', envelope: sent, headers: { 'x-origin': 'test' } }]);
    span.end();
    return span.spanContext().traceId;
  });

  await waitFor(() => received.length === 1, 'the event');
  const [got] = received;
  expect(got?.envelope).toEqual(sent);
  expect(got?.ctx).toMatchObject({ topic, partition: 0, offset: '0', key: 'pay-1', attempt: 1 });
  expect(got?.ctx.headers).toMatchObject({
    'event-id': sent.eventId,
    'event-type': 'TestHappened',
    'content-type': 'application/json',
    'x-origin': 'test',
  });
  expect(got?.ctx.headers.traceparent).toMatch(new RegExp(`^00-${requestTraceId}-[0-9a-f]{16}-01$`));
  // The handler runs inside a consumer span of the same trace, whose parent is the send span.
  expect(got?.traceId).toBe(requestTraceId);
  const finished = telemetry.finishedSpans();
  const publish = finished.find((s) => s.name === `send ${topic}` && s.spanContext().traceId === requestTraceId);
  const process = finished.find((s) => s.name === `process ${topic}`);
  expect(publish?.kind).toBe(SpanKind.PRODUCER);
  expect(process?.kind).toBe(SpanKind.CONSUMER);
  expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
});

it('passes on a traceparent stored with the event instead of the active context', async () => {
  const topic = await topics.create('stored-trace');
  const received = await consume(topic, 'stored-trace');
  const stored = '00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01';

  await publisher.publish([{ topic, key: 'pay-2', envelope: envelope('pay-2', 1), headers: { traceparent: stored } }]);

  await waitFor(() => received.length === 1, 'the event');
  expect(received[0]?.ctx.headers.traceparent).toBe(stored);
  expect(received[0]?.traceId).toBe('5bd66ef5095369c7b0d1f8f4bd33716a');
});

it('keeps the order per key across a batch spanning partitions and topics', async () => {
  const first = await topics.create('order-a', 3);
  const second = await topics.create('order-b', 3);
  const receivedFirst = await consume(first, 'order-a');
  const receivedSecond = await consume(second, 'order-b');
  const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
  const perKey = 20;
  const batch = [];
  for (let version = 1; version <= perKey; version++) {
    for (const key of keys) {
      batch.push({ topic: first, key, envelope: envelope(key, version) });
      batch.push({ topic: second, key, envelope: envelope(key, version) });
    }
  }

  await publisher.publish(batch);

  const total = keys.length * perKey;
  await waitFor(() => receivedFirst.length === total && receivedSecond.length === total, 'every event');
  for (const received of [receivedFirst, receivedSecond]) {
    for (const key of keys) {
      const versions = received.filter((r) => r.envelope.aggregateId === key).map((r) => r.envelope.version);
      expect(versions).toEqual(Array.from({ length: perKey }, (_, i) => i + 1));
      // One key, one partition.
      expect(new Set(received.filter((r) => r.ctx.key === key).map((r) => r.ctx.partition)).size).toBe(1);
    }
  }
});

it('lets a publish in progress finish when disconnecting, then refuses new ones', async () => {
  const topic = await topics.create('graceful');
  const received = await consume(topic, 'graceful');
  const closing = new KafkaEventPublisher(kafka);
  await closing.connect();
  const event = envelope('pay-3', 1);

  const sending = closing.publish([{ topic, key: 'pay-3', envelope: event }]);
  await closing.disconnect();

  await expect(sending).resolves.toBeUndefined();
  await waitFor(() => received.length === 1, 'the event sent before disconnect');
  expect(received[0]?.envelope.eventId).toBe(event.eventId);
  await expect(closing.publish([{ topic, key: 'pay-3', envelope: envelope('pay-3', 2) }])).rejects.toThrow(
    /while disconnected/,
  );
});

it('names the topic when publishing to one that does not exist', async () => {
  // Few retries, so the failure comes quickly; a service would keep the defaults.
  const impatient = new KafkaEventPublisher(
    createKafka({
      brokers: brokers(),
      clientId: 'kafka-missing-topic-test',
      retry: { retries: 1, initialRetryTimeMs: 50 },
    }),
  );
  await impatient.connect();
  const missing = `test.kafka.missing.${Date.now()}`;

  const error = await impatient
    .publish([{ topic: missing, key: 'k', envelope: envelope('k', 1) }])
    .catch((e: unknown) => e);

  await impatient.disconnect();
  expect(error).toBeInstanceOf(UnknownTopicError);
  expect((error as Error).message).toContain(`topic(s) ${missing} not found`);
});

it('refuses to publish before connect', async () => {
  const unconnected = new KafkaEventPublisher(kafka);
  await expect(unconnected.publish([])).rejects.toThrow(/call connect\(\) first/);
});

describe('broker unreachable at start-up', () => {
  let closedPort: number;
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    closedPort = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => server.close(resolve));
  });

  const unreachable = () =>
    createKafka({
      brokers: [`127.0.0.1:${closedPort}`],
      clientId: 'kafka-unreachable-test',
      retry: { retries: 1, initialRetryTimeMs: 50 },
    });

  it('gives the publisher a clear error naming the brokers', async () => {
    const error = await new KafkaEventPublisher(unreachable()).connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toContain(`could not connect to Kafka at 127.0.0.1:${closedPort}`);
  });

  it('gives the consumer the same clear error', async () => {
    const error = await runConsumer({
      kafka: unreachable(),
      groupId: 'never-joins',
      topics: ['ivr.payments.v1'],
      handle: async () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toContain(`127.0.0.1:${closedPort}`);
  });
});
