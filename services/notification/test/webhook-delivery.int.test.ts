import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { createPgPool } from '@ivr/eventstore';
import { type Answer, completed, Receiver, until } from '@ivr/testkit/webhook-receiver';
import type { Pool } from 'pg';
import { verifyIvrSignature } from '../../../examples/verify-webhook-signature';
import { buildCore } from '../src/wiring';
import { deliveryHandlerFor, TEST_SECRET_KEYS } from './http-harness';

describe('notification webhooks against real HTTP receivers', () => {
  let pool: Pool;
  let schema: string;
  let core: Awaited<ReturnType<typeof buildCore>>;
  let handle: (e: EventEnvelope) => Promise<void>;
  const receivers: Receiver[] = [];
  const silent = { warn: () => undefined, info: () => undefined };
  const policy = { baseDelayMs: 50, maxDelayMs: 200, retryWindowMs: 3_000 };

  const build = () =>
    buildCore({
      pool,
      schema,
      policy,
      timeoutMs: 500,
      concurrency: 10,
      pollIntervalMs: 50,
      logger: silent,
      destinations: { allowLoopback: true }, // the receivers are on this machine
      secretKeys: TEST_SECRET_KEYS,
    });
  const receiver = async (behave: (n: number) => Answer) => {
    const r = await new Receiver(behave).start();
    receivers.push(r);
    return r;
  };
  const deliveries = (system: string, endpointId: string) => core.webhooks.listDeliveries(system, endpointId, 10);

  beforeAll(async () => {
    pool = createPgPool(process.env.IVR_TEST_DATABASE_URL!, { applicationName: 'test-nwh', max: 10 });
    schema = `nwh_${randomBytes(4).toString('hex')}`;
    core = await build();
    // The handler wakes whichever core runs at the time (the restart test replaces it).
    handle = deliveryHandlerFor(core, policy.retryWindowMs, () => core.dispatcher.wake());
    core.dispatcher.start();
  });
  afterAll(async () => {
    await core.dispatcher.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('signs each delivery so that the documented snippet verifies it, and refuses tampering and replays', async () => {
    const r = await receiver(() => 200);
    const ep = await core.webhooks.createEndpoint('sig-shop', r.url, '', new Date());
    const event = completed('sig-shop', 'pay_sig1');
    await handle(event);
    await handle(event); // redelivered by Kafka: still one delivery
    await until('the delivery', async () => (await deliveries('sig-shop', ep.endpointId))[0]?.status === 'delivered');
    expect(r.received).toHaveLength(1);
    const { body, signature } = r.received[0]!;
    expect(JSON.parse(body)).toMatchObject({
      id: event.eventId,
      type: 'payment.completed',
      data: { paymentId: 'pay_sig1', outcome: 'APPROVED' },
    });
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyIvrSignature(body, signature, ep.secret)).toBe(true);
    expect(verifyIvrSignature(body.replace('APPROVED', 'DECLINED'), signature, ep.secret)).toBe(false);
    expect(verifyIvrSignature(body, signature, 'whsec_wrong')).toBe(false);
    expect(verifyIvrSignature(body, undefined, ep.secret)).toBe(false);
    const t = Number(/t=(\d+)/.exec(signature!)![1]);
    expect(verifyIvrSignature(body, signature, ep.secret, 300, t + 301)).toBe(false);
    // A replay with a fresh timestamp: the timestamp is inside the signature, so it cannot be moved.
    expect(verifyIvrSignature(body, signature!.replace(`t=${t}`, `t=${t + 301}`), ep.secret, 300, t + 301)).toBe(false);
  });

  it('retries an endpoint that fails 3 times, while a healthy endpoint gets its delivery at once', async () => {
    const flaky = await receiver((n) => (n <= 3 ? 500 : 204));
    const healthy = await receiver(() => 200);
    const flakyEp = await core.webhooks.createEndpoint('two-shop', flaky.url, 'flaky', new Date());
    await core.webhooks.createEndpoint('two-shop', healthy.url, 'healthy', new Date());
    await handle(completed('two-shop', 'pay_retry1'));
    await until(
      'the flaky endpoint to accept',
      async () => (await deliveries('two-shop', flakyEp.endpointId))[0]?.status === 'delivered',
    );
    expect(healthy.received).toHaveLength(1);
    const [d] = await deliveries('two-shop', flakyEp.endpointId);
    expect(d!.log.map((a) => a.statusCode)).toEqual([500, 500, 500, 204]);
    expect(d!.lastError).toBeNull();
    // Every attempt carried the same event id: receivers can deduplicate.
    expect(new Set(flaky.ids()).size).toBe(1);
  });

  it('times out a hanging endpoint, dead-letters it with the last error after the window, and redelivers on request', async () => {
    let healthyAgain = false;
    const slow = await receiver(() => (healthyAgain ? 200 : 'hang'));
    const ep = await core.webhooks.createEndpoint('slow-shop', slow.url, '', new Date());
    await handle(completed('slow-shop', 'pay_slow1'));
    await until(
      'dead-lettering',
      async () => (await deliveries('slow-shop', ep.endpointId))[0]?.status === 'dead',
      15_000,
    );
    const [dead] = await deliveries('slow-shop', ep.endpointId);
    expect(dead!.lastError).toBe('no answer within 500 ms');
    expect(dead!.attempts).toBeGreaterThanOrEqual(2);
    healthyAgain = true;
    expect(await core.webhooks.redeliver('other-shop', dead!.deliveryId, new Date(), 1000)).toBe(false);
    expect(await core.webhooks.redeliver('slow-shop', dead!.deliveryId, new Date(), policy.retryWindowMs)).toBe(true);
    core.dispatcher.wake();
    await until('redelivery', async () => (await deliveries('slow-shop', ep.endpointId))[0]?.status === 'delivered');
  });

  it('keeps the order of one payment’s deliveries to one endpoint while the earlier one is retried', async () => {
    const r = await receiver((n) => (n <= 2 ? 503 : 200));
    const ep = await core.webhooks.createEndpoint('order-shop', r.url, '', new Date());
    const first = completed('order-shop', 'pay_ord1', 'DECLINED');
    const second = completed('order-shop', 'pay_ord1', 'APPROVED');
    await handle(first);
    await handle(second);
    await until('both delivered', async () =>
      (await deliveries('order-shop', ep.endpointId)).every((d) => d.status === 'delivered'),
    );
    expect(r.ids()).toEqual([first.eventId, first.eventId, first.eventId, second.eventId]);
  });

  it('delivers each settled capture, void or refund as a signed lifecycle webhook, in order after the outcome', async () => {
    const r = await receiver(() => 200);
    const ep = await core.webhooks.createEndpoint('lc-shop', r.url, '', new Date());
    const at = new Date().toISOString();
    const lifecycle = (type: string, operation: object, balance: object): EventEnvelope => ({
      specVersion: 1,
      eventId: randomUUID(),
      type,
      aggregateType: 'Payment',
      aggregateId: 'pay_lc1',
      version: 5,
      occurredAt: at,
      payload: {
        paymentId: 'pay_lc1',
        orderId: 'order-lc1',
        orderSystem: 'lc-shop',
        mode: 'AUTHORIZE',
        currency: 'JPY',
        operation: { final: true, requestedAt: at, completedAt: at, ...operation },
        balance: { authorized: 1200, capturable: 0, ...balance },
        metadata: {},
      },
    });
    const events = [
      completed('lc-shop', 'pay_lc1'),
      lifecycle(
        'PaymentCaptured',
        { operationId: 'cap_1', operation: 'CAPTURE', status: 'SUCCEEDED', amount: 1000 },
        { state: 'CAPTURED', captured: 1000, refunded: 0, refundable: 1000 },
      ),
      lifecycle(
        'PaymentRefundFailed',
        {
          operationId: 'ref_1',
          operation: 'REFUND',
          status: 'FAILED',
          amount: 300,
          failureReason: 'psp_rejected:x',
          failureMessage: 'no',
        },
        { state: 'CAPTURED', captured: 1000, refunded: 0, refundable: 1000 },
      ),
      lifecycle(
        'PaymentRefunded',
        { operationId: 'ref_2', operation: 'REFUND', status: 'SUCCEEDED', amount: 300, refundReference: 're_1' },
        { state: 'PARTIALLY_REFUNDED', captured: 1000, refunded: 300, refundable: 700 },
      ),
    ];
    for (const e of events) await handle(e);
    await handle(events[1]!); // redelivered by Kafka: still one delivery
    await until('four deliveries', async () => {
      const all = await deliveries('lc-shop', ep.endpointId);
      return all.length === 4 && all.every((d) => d.status === 'delivered');
    });
    expect(r.received.map((x) => (JSON.parse(x.body) as { type: string }).type)).toEqual([
      'payment.completed',
      'payment.captured',
      'payment.refund_failed',
      'payment.refunded',
    ]);
    const refunded = r.received[3]!;
    expect(verifyIvrSignature(refunded.body, refunded.signature, ep.secret)).toBe(true);
    expect(JSON.parse(refunded.body)).toEqual({
      id: events[3]!.eventId,
      type: 'payment.refunded',
      createdAt: at,
      data: events[3]!.payload,
    });
  });

  it('survives a restart: a pending delivery is sent by the next instance, a delivered one is not resent', async () => {
    let up = true;
    const r = await receiver(() => (up ? 200 : 500));
    const ep = await core.webhooks.createEndpoint('restart-shop', r.url, '', new Date());
    await handle(completed('restart-shop', 'pay_rs0'));
    await until(
      'the first delivered',
      async () => (await deliveries('restart-shop', ep.endpointId))[0]?.status === 'delivered',
    );
    up = false;
    await handle(completed('restart-shop', 'pay_rs1'));
    await until('a failed attempt', () => r.received.length >= 2);
    await core.dispatcher.stop();

    up = true;
    core = await build(); // a new instance on the same database
    core.dispatcher.start();
    await until('the pending one after the restart', async () =>
      (await deliveries('restart-shop', ep.endpointId)).every((d) => d.status === 'delivered'),
    );
    const byPayment = r.received.map((x) => (JSON.parse(x.body) as { data: { paymentId: string } }).data.paymentId);
    expect(byPayment.filter((p) => p === 'pay_rs0')).toHaveLength(1);
    expect(byPayment.at(-1)).toBe('pay_rs1');
  });
});
