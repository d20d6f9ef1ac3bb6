/**
 * An order system's whole journey through the real services, Kafka and PostgreSQL: it registers a
 * webhook and creates a payment through order-link's REST API; simulated call-control and authorization
 * events go to their topics; order-link folds them into the outcome and publishes PaymentCompleted
 * (keyed by order id); notification delivers it as a signed webhook, verified with the documented snippet,
 * and the operator's live stream shows the masked capture progress.
 */
import { randomUUID } from 'node:crypto';
import { type EventEnvelope, issueOperatorToken, Topics } from '@ivr/contracts';
import { issueApiKey } from '@ivr/order-link/api-keys';
import { startGroupsAtEnd } from '@ivr/testkit/kafka-groups';
import { startOrderLinkPair } from '@ivr/testkit/order-link-pair';
import { readDevEnv, type ServiceProcess, waitUntil } from '@ivr/testkit/service-process';
import { Receiver } from '@ivr/testkit/webhook-receiver';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { verifyIvrSignature } from '../../examples/verify-webhook-signature';

// base 36: a 13-digit decimal time is Luhn-valid one time in ten, and free text holding one is refused as card data.
const run = Date.now().toString(36);
const orderSystem = `e2e-shop-${run}`;
const kafka = new Kafka({
  clientId: `e2e-${run}`,
  brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
  logLevel: logLevel.NOTHING,
});
const orderlinkDb = new Pool({ connectionString: process.env.ORDERLINK_DATABASE_URL });
const notificationDb = new Pool({ connectionString: process.env.NOTIFICATION_DATABASE_URL });

const envelope = (
  type: string,
  aggregateType: string,
  aggregateId: string,
  version: number,
  payload: object,
): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type,
  aggregateType,
  aggregateId,
  version,
  occurredAt: new Date().toISOString(),
  payload,
});

describe('order system journey: REST → call/authorization events → payment-completed → signed webhook', () => {
  let orderLink: ServiceProcess;
  let notification: ServiceProcess;
  let api: string;
  let live: string;
  let apiKey: string;
  const receiver = new Receiver(() => 200);
  const producer = kafka.producer();
  const completed: EventEnvelope[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-completed-${run}` });

  beforeAll(async () => {
    await receiver.start();
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.paymentCompleted, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = JSON.parse(String(message.value)) as EventEnvelope & { key?: string };
        completed.push({ ...e, key: String(message.key) } as EventEnvelope);
      },
    });
    const groups = {
      notification: `notification-e2e-${run}`,
      notificationLive: `notification-live-e2e-${run}`,
      processManager: `order-link-pm-e2e-${run}`,
    };
    await startGroupsAtEnd(kafka, Object.values(groups));
    const pair = await startOrderLinkPair({
      notification: {
        CONSUMER_GROUP: groups.notification,
        LIVE_CONSUMER_GROUP: groups.notificationLive,
        WEBHOOK_POLL_MS: '100',
      },
      orderLink: { PROCESS_MANAGER_GROUP: groups.processManager },
    });
    ({ orderLink, notification, api } = pair);
    live = `${pair.notificationUrl}/v1/live`;
    apiKey = (
      await issueApiKey(orderlinkDb, {
        orderSystem,
        name: 'e2e',
        scopes: ['payments:read', 'payments:write', 'webhooks:manage'],
        createdBy: 'e2e',
      })
    ).key;
  });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await orderLink?.stop();
    await notification?.stop();
    await receiver.stop();
    await orderlinkDb.end();
    await notificationDb.end();
  });

  const rest = async (method: string, path: string, body?: object) => {
    const res = await fetch(api + path, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };

  it('delivers the approved outcome on the topic and as a verified webhook, and streams masked progress', async () => {
    const endpoint = await rest('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'e2e' });
    expect(endpoint.status).toBe(201);
    const secret = String(endpoint.body.secret);
    expect(secret).toMatch(/^whsec_/);

    const orderId = `E2E-${run}`;
    const created = await rest('POST', '/v1/payments', {
      orderId,
      amount: 12345,
      currency: 'JPY',
      mode: 'CAPTURE',
      language: 'ja',
      returnSipAddress: 'sip:op-12@pbx.example.com',
      metadata: { operatorId: `op-${run}` },
    });
    expect(created.status).toBe(201);
    const paymentId = String(created.body.paymentId);

    // The operator's screen follows the payment.
    const token = issueOperatorToken(
      readDevEnv('services/notification').OPERATOR_TOKEN_SECRET!,
      `op-${run}`,
      new Date(Date.now() + 600_000),
    );
    const controller = new AbortController();
    const stream = await fetch(live, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    let streamed = '';
    const reading = (async () => {
      try {
        for await (const chunk of stream.body!) streamed += Buffer.from(chunk as Uint8Array).toString('utf8');
      } catch {
        // aborted at the end of the test
      }
    })();
    await waitUntil('the payment to reach notification', async () => {
      const { rows } = await notificationDb.query('select 1 from notification.payment_watchers where payment_id = $1', [
        paymentId,
      ]);
      return rows.length === 1;
    });

    const callId = `call-${run}`;
    const call = (type: string, version: number, payload: object) => ({
      key: callId,
      value: JSON.stringify(envelope(type, 'Call', callId, version, { callId, paymentId, ...payload })),
    });
    await producer.send({
      topic: Topics.calls,
      acks: -1,
      messages: [
        call('CallStarted', 1, { transferCode: created.body.transferCode, callMode: 'IVR_ONLY' }),
        call('CaptureProgressed', 2, {
          field: 'CARD_NUMBER',
          digitsEntered: 6,
          brand: 'visa',
          valid: null,
          attemptsLeft: 3,
        }),
        call('CardCaptured', 3, {
          card: {
            pspToken: 'pm_e2e_token',
            brand: 'visa',
            bin6: '424242',
            last4: '4242',
            expiryMonth: 12,
            expiryYear: 2030,
          },
        }),
      ],
    });
    await producer.send({
      topic: Topics.authorizations,
      acks: -1,
      messages: [
        {
          key: paymentId,
          value: JSON.stringify(
            envelope('AuthorizationApproved', 'Authorization', paymentId, 2, {
              paymentId,
              mode: 'CAPTURE',
              amount: 12345,
              currency: 'JPY',
              authorizationCode: 'AUTH42',
              pspReference: 'pi_e2e',
              captured: true,
              // The authorization carries the masked card it was made with: the call's CardCaptured
              // travels on another topic and may be folded after it.
              card: {
                pspToken: 'pm_e2e_token',
                brand: 'visa',
                bin6: '424242',
                last4: '4242',
                expiryMonth: 12,
                expiryYear: 2030,
              },
            }),
          ),
        },
      ],
    });

    await waitUntil(
      'PaymentCompleted on the topic',
      () => completed.some((e) => (e.payload as { paymentId?: string }).paymentId === paymentId),
      60_000,
    );
    const event = completed.find((e) => (e.payload as { paymentId?: string }).paymentId === paymentId)!;
    expect((event as EventEnvelope & { key: string }).key).toBe(orderId);
    expect(event.payload).toMatchObject({
      orderId,
      outcome: 'APPROVED',
      amount: 12345,
      authorizationCode: 'AUTH42',
      card: { last4: '4242' },
    });

    await waitUntil('the webhook', () => receiver.ids().includes(event.eventId), 60_000);
    const delivery = receiver.received.find((r) => JSON.parse(r.body).id === event.eventId)!;
    expect(verifyIvrSignature(delivery.body, delivery.signature, secret)).toBe(true);
    expect(JSON.parse(delivery.body).data).toEqual(event.payload);
    expect(delivery.body).not.toContain('pm_e2e_token');

    const log = await rest('GET', `/v1/webhook-endpoints/${endpoint.body.endpointId}/deliveries`);
    await waitUntil('the delivery log to say delivered', async () => {
      const l = await rest('GET', `/v1/webhook-endpoints/${endpoint.body.endpointId}/deliveries`);
      return (l.body.data as { status: string }[])[0]?.status === 'delivered';
    });
    expect(log.status).toBe(200);
    const got = await rest('GET', `/v1/payments/${paymentId}`);
    expect(got.body).toMatchObject({ status: 'APPROVED', outcome: { authorizationCode: 'AUTH42' } });

    await waitUntil('the live stream to show the capture', () => streamed.includes('event: CardCaptured'));
    expect(streamed).toContain('event: CaptureProgressed');
    expect(streamed).toContain('"digitsEntered":6');
    expect(streamed).not.toContain('pm_e2e_token');
    controller.abort();
    await reading;
  });
});
