// The operator's console requests reach call-control over the real Kafka: the consumer of
// ivr.payments.v1 (a group of this process's own, from the newest message) hands restart and cancel
// requests to the dialogue of their payment, once each, and skips every other payment event.
import { randomUUID } from 'node:crypto';
import { type EventEnvelope, PaymentEventTypes as P, Topics } from '@ivr/contracts';
import { createKafka, KafkaEventPublisher, type RunningConsumer } from '@ivr/kafka';
import { consumeOperatorRequests } from '../src/adapters/kafka/operator-requests';
import { OperatorRequestInbox } from '../src/app/operator-requests';
import type { OperatorRequest } from '../src/dialogue';

const run = randomUUID().slice(0, 8);
const kafka = createKafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), clientId: `cc-requests-${run}` });
const groupId = `call-control-requests-test-${run}`;
const publisher = new KafkaEventPublisher(kafka);
let consumer: RunningConsumer;
const inbox = new OperatorRequestInbox();

beforeAll(async () => {
  await publisher.connect();
  consumer = await consumeOperatorRequests({ kafka, groupId, inbox, logger: silent, onFailed: () => {} });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let i = 0; i < 300; i++) {
      const { groups } = await admin.describeGroups([groupId]);
      if (groups[0]?.state === 'Stable') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await publisher.disconnect();
});

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function envelope(type: string, paymentId: string, eventId = randomUUID()): EventEnvelope {
  return {
    specVersion: 1,
    eventId,
    type,
    aggregateType: 'Payment',
    aggregateId: paymentId,
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: paymentId,
    payload: {
      paymentId,
      callId: 'call-1',
      requestedBy: { kind: 'operator', id: 'op-1' },
      at: new Date().toISOString(),
    },
  };
}

test('restart and cancel requests reach the dialogue of their payment, once each; other events are skipped', async () => {
  const paymentId = `pay-${run}`;
  const got: OperatorRequest[] = [];
  const unsubscribe = inbox.subscribe(paymentId, (r) => got.push(r));
  const restart = envelope(P.fieldRestartRequested, paymentId);
  const send = (e: EventEnvelope) => publisher.publish([{ topic: Topics.payments, key: e.aggregateId, envelope: e }]);
  await send(envelope(P.requested, paymentId));
  await send(restart);
  await send(restart); // redelivered
  await send(envelope(P.cancellationRequested, `pay-other-${run}`));
  const cancel = envelope(P.cancellationRequested, paymentId);
  await send(cancel);
  for (let i = 0; i < 300 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  expect(got).toEqual([
    { kind: 'restart-field', eventId: restart.eventId },
    { kind: 'cancel', eventId: cancel.eventId },
  ]);
  unsubscribe();
  expect(inbox.deliver(paymentId, { kind: 'cancel', eventId: 'late' })).toBe(false);
});
