import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { ExpirySweeper } from '../src/adapters/jobs/expiry-sweeper';
import { handleForeignEvent } from '../src/adapters/kafka/process-manager-consumer';
import { call, type Harness, startHarness, validPayment } from './harness';

const envelope = (type: string, aggregateType: string, aggregateId: string, payload: object): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type,
  aggregateType,
  aggregateId,
  version: 1,
  occurredAt: new Date().toISOString(),
  payload,
});

const card = {
  pspToken: 'pm_card_visa',
  brand: 'visa',
  bin6: '424242',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2030,
};

describe('order-link process manager (call + authorization events → payment outcome)', () => {
  let h: Harness;
  const warnings: object[] = [];
  let handle: (e: EventEnvelope) => Promise<void>;
  beforeAll(async () => {
    h = await startHarness('olpm');
    handle = handleForeignEvent(h.core.payments, { warn: (o) => warnings.push(o) });
  });
  afterAll(() => h.close());

  const outbox = async (topic: string, key: string) =>
    (
      await h.pool.query(`select envelope from "${h.schema}".outbox where topic = $1 and key = $2 order by position`, [
        topic,
        key,
      ])
    ).rows.map((r) => r.envelope as EventEnvelope);

  it('folds a call and an approval into APPROVED and publishes one PaymentCompleted keyed by order id', async () => {
    const created = await call(h, 'POST', '/v1/payments', { body: validPayment('PM-1'), idempotencyKey: 'pm-1-aaaa' });
    const paymentId = String(created.body.paymentId);
    const started = envelope('CallStarted', 'Call', 'call-1', {
      callId: 'call-1',
      paymentId,
      transferCode: created.body.transferCode,
      callMode: 'IVR_ONLY',
    });
    await handle(started);
    await handle(started); // redelivered: no effect
    await handle(
      envelope('CaptureProgressed', 'Call', 'call-1', {
        callId: 'call-1',
        paymentId,
        field: 'CARD_NUMBER',
        digitsEntered: 4,
        valid: null,
        attemptsLeft: 3,
      }),
    );
    await handle(envelope('CardCaptured', 'Call', 'call-1', { callId: 'call-1', paymentId, card }));
    const approved = envelope('AuthorizationApproved', 'Authorization', paymentId, {
      paymentId,
      mode: 'CAPTURE',
      amount: 12345,
      currency: 'JPY',
      authorizationCode: 'A12345',
      pspReference: 'pi_123',
      captured: true,
    });
    await handle(approved);
    await handle(approved);
    await handle(
      envelope('CallEnded', 'Call', 'call-1', { callId: 'call-1', paymentId, reason: 'RETURNED_TO_OPERATOR' }),
    );

    const got = await call(h, 'GET', `/v1/payments/${paymentId}`);
    expect(got.body).toMatchObject({
      status: 'APPROVED',
      outcome: { authorizationCode: 'A12345', pspReference: 'pi_123', captured: true },
      card: { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2030 },
    });
    expect(JSON.stringify(got.body)).not.toContain('pm_card_visa');
    const events = await h.core.store.readStream(paymentId);
    expect(events.map((e) => e.type)).toEqual([
      'PaymentRequested',
      'PaymentTransferredToIvr',
      'PaymentCardCaptured',
      'PaymentApproved',
    ]);
    const completed = await outbox('ivr.payment-completed.v1', 'PM-1');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      type: 'PaymentCompleted',
      aggregateId: paymentId,
      payload: {
        paymentId,
        orderId: 'PM-1',
        outcome: 'APPROVED',
        amount: 12345,
        currency: 'JPY',
        authorizationCode: 'A12345',
        card: { last4: '4242' },
      },
    });
    expect(JSON.stringify(completed[0])).not.toContain('pspToken');
    expect(await outbox('ivr.payments.v1', paymentId)).toHaveLength(4);
    // The transfer code is released once the caller is in the IVR.
    expect(await h.core.queries.resolveTransferCode(String(created.body.transferCode))).toBeNull();
  });

  it('abandons a payment whose caller hangs up before the card is captured', async () => {
    const created = await call(h, 'POST', '/v1/payments', { body: validPayment('PM-2'), idempotencyKey: 'pm-2-aaaa' });
    const paymentId = String(created.body.paymentId);
    await handle(
      envelope('CallStarted', 'Call', 'call-2', { callId: 'call-2', paymentId, transferCode: '1', threeWay: true }),
    );
    await handle(envelope('CallEnded', 'Call', 'call-2', { callId: 'call-2', paymentId, reason: 'CALLER_HUNG_UP' }));
    const completed = await outbox('ivr.payment-completed.v1', 'PM-2');
    expect(completed.map((e) => (e.payload as { outcome: string }).outcome)).toEqual(['ABANDONED']);
  });

  it('skips events for unknown payments and unusable payloads without failing', async () => {
    await expect(
      handle(
        envelope('AuthorizationDeclined', 'Authorization', 'x', { paymentId: 'pay_nope', reason: 'GENERIC_DECLINE' }),
      ),
    ).resolves.toBeUndefined();
    await expect(
      handle(envelope('CardCaptured', 'Call', 'c', { callId: 'c', paymentId: 'p', card: { brand: 1 } })),
    ).resolves.toBeUndefined();
    expect(warnings.length).toBe(2);
  });

  it('expires an unused transfer code after its lifetime, once', async () => {
    const created = await call(h, 'POST', '/v1/payments', { body: validPayment('PM-3'), idempotencyKey: 'pm-3-aaaa' });
    const sweeper = new ExpirySweeper(h.core.queries, h.core.payments, h.clock, { warn: () => undefined }, 1000);
    expect(await sweeper.sweepOnce()).toBe(0);
    h.clock.advance(15 * 60 * 1000 + 1);
    expect(await sweeper.sweepOnce()).toBeGreaterThanOrEqual(1);
    expect(await sweeper.sweepOnce()).toBe(0);
    expect((await call(h, 'GET', `/v1/payments/${created.body.paymentId}`)).body.status).toBe('EXPIRED');
    expect(
      (await outbox('ivr.payment-completed.v1', 'PM-3')).map((e) => (e.payload as { outcome: string }).outcome),
    ).toEqual(['EXPIRED']);
  });
});
