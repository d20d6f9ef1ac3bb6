import { randomUUID } from 'node:crypto';
import { Topics } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { OutboxRelay } from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher } from '@ivr/kafka';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { authorizeRequest, cardToken, grpcApi, type Harness, newPaymentId, startHarness } from './harness';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
const topic = `test.authorizations.${randomUUID().slice(0, 8)}`;
const raw = new Kafka({ brokers, clientId: 'authorization-test', logLevel: logLevel.NOTHING });
let admin: Admin;
let h: Harness;
let relay: OutboxRelay;
let publisher: KafkaEventPublisher;

beforeAll(async () => {
  admin = raw.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  h = await startHarness({ topic });
  publisher = new KafkaEventPublisher(createKafka({ brokers, clientId: 'authorization-test' }));
  await publisher.connect();
  relay = new OutboxRelay({ pool: h.pool, schema: h.schema, publisher, pollIntervalMs: 100 });
  relay.start();
}, 60_000);

afterAll(async () => {
  await relay.stop();
  await publisher.disconnect();
  await h.close();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
});

async function readUntil(count: number): Promise<KafkaMessage[]> {
  const consumer = raw.consumer({ groupId: `authorization-test-${randomUUID()}` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message);
    },
  });
  while (seen.length < count) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return seen;
}

describe('events reach Kafka through the outbox', () => {
  it('publishes requested → approved → captured, keyed by payment id, in order, without card data', async () => {
    const api = grpcApi(h.client);
    const paymentId = newPaymentId();
    const card = await cardToken(h.sim, '4242424242424242');
    await api.authorize(authorizeRequest(paymentId, card, { correlationId: 'call-42' }));
    await api.capture({ paymentId, correlationId: 'call-42' });
    const declined = newPaymentId();
    await api.authorize(
      authorizeRequest(declined, await cardToken(h.sim, '4000000000009995'), {
        mode: PaymentMode.PAYMENT_MODE_CAPTURE,
      }),
    );

    const messages = await readUntil(6);
    const envelopes = messages.map((m) => ({ key: m.key?.toString(), value: JSON.parse(m.value?.toString() ?? '{}') }));
    const ofPayment = envelopes.filter((e) => e.key === paymentId).map((e) => e.value);
    expect(ofPayment.map((e) => [e.type, e.version])).toEqual([
      ['AuthorizationRequested', 1],
      ['AuthorizationApproved', 2],
      ['AuthorizationOperationRequested', 3],
      ['AuthorizationCaptured', 4],
    ]);
    expect(ofPayment[0]).toMatchObject({
      specVersion: 1,
      aggregateType: 'Authorization',
      aggregateId: paymentId,
      correlationId: 'call-42',
      payload: {
        paymentId,
        mode: 'AUTHORIZE',
        amount: 1200,
        currency: 'JPY',
        cardToken: card.pspToken,
        card: { last4: '4242' },
      },
    });
    expect(ofPayment[1].payload).toMatchObject({
      pspReference: expect.stringMatching(/^pi_/),
      authorizationCode: expect.any(String),
    });
    const decline = envelopes.filter((e) => e.key === declined).map((e) => e.value);
    expect(decline[1]).toMatchObject({
      type: 'AuthorizationDeclined',
      payload: {
        reason: 'INSUFFICIENT_FUNDS',
        detail: 'insufficient_funds',
        pspCode: 'card_declined',
        pspDeclineCode: 'insufficient_funds',
      },
    });
    const everything = messages.map((m) => m.value?.toString()).join('\n');
    expect(everything).not.toContain('4242424242424242');
    expect(everything).not.toContain('4000000000009995');
    expect(Topics.authorizations).toBe('ivr.authorizations.v1');
  });
});
