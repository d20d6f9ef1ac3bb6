/**
 * The foundation's walking skeleton through real infrastructure: order-link accepts a payment request,
 * appends PaymentRequested, the outbox relay publishes it to ivr.payments.v1, notification consumes and
 * records it. Then the crash cases: the relay dies between commit and publish, and between publish and
 * marking the row; the event still arrives and has one effect.
 */
import { Topics } from '@ivr/contracts';
import { issueApiKey } from '@ivr/order-link/api-keys';
import { freePort } from '@ivr/testkit/ports';
import { ServiceProcess, waitUntil } from '@ivr/testkit/service-process';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

const orderlinkDb = new Pool({ connectionString: process.env.ORDERLINK_DATABASE_URL });
const notificationDb = new Pool({ connectionString: process.env.NOTIFICATION_DATABASE_URL });

async function recorded(paymentId: string): Promise<number> {
  const { rows } = await notificationDb.query(
    'select count(*)::int as n from notification.payment_events where payment_id = $1',
    [paymentId],
  );
  return rows[0].n;
}

async function pendingInOutbox(paymentId: string): Promise<number> {
  const { rows } = await orderlinkDb.query(
    'select count(*)::int as n from orderlink.outbox where key = $1 and published_at is null',
    [paymentId],
  );
  return rows[0].n;
}

describe('walking skeleton: order-link → outbox → Kafka → notification', () => {
  let orderLink: ServiceProcess;
  let notification: ServiceProcess;
  let api: string;
  let apiKey: string;

  beforeAll(async () => {
    const notificationPort = await freePort();
    notification = await ServiceProcess.start('notification', { env: { HTTP_PORT: String(notificationPort) } });
    const httpPort = await freePort();
    orderLink = await ServiceProcess.start('order-link', {
      env: {
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(await freePort()),
        NOTIFICATION_URL: `http://127.0.0.1:${notificationPort}`,
      },
    });
    api = `http://127.0.0.1:${httpPort}`;
    // order-link has migrated its schema by now; issue a key as the operator's CLI would.
    apiKey = (
      await issueApiKey(orderlinkDb, {
        orderSystem: 'e2e-shop',
        name: 'walking skeleton',
        scopes: ['payments:read', 'payments:write'],
        createdBy: 'e2e',
      })
    ).key;
  });

  afterAll(async () => {
    await orderLink?.stop();
    await notification?.stop();
    await orderlinkDb.end();
    await notificationDb.end();
  });

  const post = (body: object) =>
    fetch(`${api}/v1/payments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${apiKey}`,
        'idempotency-key': `e2e-${Math.random()}`,
      },
      body: JSON.stringify({ mode: 'CAPTURE', language: 'ja', returnSipAddress: 'sip:op-1@pbx.example.com', ...body }),
    });

  const requestPayment = async (orderId: string): Promise<string> => {
    const res = await post({ orderId, amount: 12345, currency: 'JPY' });
    expect(res.status).toBe(201);
    return ((await res.json()) as { paymentId: string }).paymentId;
  };

  it('carries a payment request from the API to notification', async () => {
    const id = await requestPayment(`order-${Date.now()}`);
    await waitUntil('notification to record the event', async () => (await recorded(id)) === 1);
  });

  it('answers a malformed request with a problem naming the field, and records nothing', async () => {
    const res = await post({ orderId: 'o-1', amount: -5, currency: 'JPY' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 400, errors: [{ in: 'body', field: 'amount' }] });
  });

  it('delivers an event committed while the relay was dead, once, after a restart', async () => {
    await orderLink.restart({ OUTBOX_RELAY_ENABLED: 'false' });
    const id = await requestPayment(`order-crash-${Date.now()}`);
    expect(await pendingInOutbox(id)).toBe(1);
    await orderLink.kill(); // kill -9 between commit and publish
    expect(await recorded(id)).toBe(0);

    await orderLink.restart({ OUTBOX_RELAY_ENABLED: 'true' });
    await waitUntil('the event to be published and recorded', async () => (await recorded(id)) === 1);
    expect(await pendingInOutbox(id)).toBe(0);
  });

  it('has one effect when the relay died after publishing but before marking the row', async () => {
    const id = await requestPayment(`order-dup-${Date.now()}`);
    await waitUntil('first delivery', async () => (await recorded(id)) === 1);

    // What a crash right after the broker's ack leaves behind: the row still looks unpublished.
    await orderLink.kill();
    await orderlinkDb.query('update orderlink.outbox set published_at = null where key = $1', [id]);
    await orderLink.restart();
    await waitUntil('the republished row to be marked', async () => (await pendingInOutbox(id)) === 0);

    // The topic now holds the event twice; notification took it in once.
    const copies = await countOnTopic(Topics.payments, id);
    expect(copies).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await recorded(id)).toBe(1);
  });
});

describe('start-up with infrastructure down', () => {
  it('names what is unreachable, retries, then exits 1 without a stack trace', async () => {
    const svc = await ServiceProcess.start('notification', {
      env: { NOTIFICATION_DATABASE_URL: 'postgres://notification:x@127.0.0.1:1/notification' },
      waitReady: false,
    });
    const code = await svc.exited;
    expect(code).toBe(1);
    const log = svc.output();
    expect(log).toContain('PostgreSQL at 127.0.0.1:1 is not reachable');
    expect(log).toMatch(/retry 1\/\d/);
    expect(log).not.toMatch(/^\s+at /m); // no stack trace lines
  });
});

/** Reads the whole topic with a throwaway consumer group and counts the messages with this key. */
async function countOnTopic(topic: string, key: string): Promise<number> {
  const kafka = new Kafka({
    clientId: 'e2e-reader',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  const consumer = kafka.consumer({ groupId: `e2e-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  const seen = new Map<number, number>();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (message.key?.toString() === key) count++;
      seen.set(partition, Number(message.offset) + 1);
    },
  });
  await waitUntil(
    'the topic to be read to its end',
    () => [...end].every(([p, high]) => high === 0 || (seen.get(p) ?? 0) >= high),
    30_000,
  );
  await consumer.disconnect();
  return count;
}
