import { createTestCardToken, type PspSimulator, startPspSimulator } from '@ivr/psp-simulator';
import { StripeConnector } from '../src';
import type { AuthorizeRequest } from '../src/gateway';
import { chargeCounts, resetSimulator, setFault } from './sim-helpers';

let sim: PspSimulator;
let stripe: StripeConnector;
beforeAll(async () => {
  sim = await startPspSimulator({ port: 0 });
  stripe = new StripeConnector({ baseUrl: sim.url, apiKey: 'sk_test_connector', timeoutMs: 2000 });
});
afterAll(() => sim.close());
beforeEach(() => resetSimulator(sim.url));

const nextYear = new Date().getUTCFullYear() + 1;
async function token(number: string): Promise<string> {
  return (await createTestCardToken(sim.url, number, { expiryYear: nextYear })).pspToken;
}
let counter = 0;
async function request(number: string, extra: Partial<AuthorizeRequest> = {}): Promise<AuthorizeRequest> {
  counter += 1;
  return {
    idempotencyKey: `pay_${counter}:authorize`,
    paymentId: `pay_${counter}`,
    orderReference: `order-${counter}`,
    cardToken: await token(number),
    amount: { minorUnits: 1200, currency: 'JPY' },
    capture: false,
    ...extra,
  };
}

describe('StripeConnector against the PSP simulator', () => {
  it('authorizes with an authorization code and the MOTO flag, then captures', async () => {
    const req = await request('4242424242424242');
    const auth = await stripe.authorize(req);
    expect(auth).toEqual({
      kind: 'ok',
      value: {
        pspReference: expect.stringMatching(/^pi_/),
        authorizationCode: expect.stringMatching(/^\d{6}$/),
        captured: false,
        amount: { minorUnits: 1200, currency: 'JPY' },
      },
    });
    if (auth.kind !== 'ok') return;
    const capture = await stripe.capture({
      idempotencyKey: `${req.paymentId}:capture`,
      pspReference: auth.value.pspReference,
    });
    expect(capture).toEqual({
      kind: 'ok',
      value: { pspReference: auth.value.pspReference, capturedAmount: { minorUnits: 1200, currency: 'JPY' } },
    });
    const counts = await chargeCounts(sim.url);
    expect(counts.total).toBe(1);
    expect(counts.charges.every((c) => c.moto)).toBe(true);
  });

  it('captures in parts with multicapture (the simulator provider), then refunds what was captured', async () => {
    const multi = new StripeConnector({
      provider: 'simulator',
      baseUrl: sim.url,
      apiKey: 'sk_test_connector',
      timeoutMs: 2000,
    });
    expect(multi.capabilities.multipleCaptures).toBe(true);
    expect(stripe.capabilities.multipleCaptures).toBe(false);
    const req = await request('4242424242424242');
    const auth = await multi.authorize(req);
    if (auth.kind !== 'ok') throw new Error(auth.kind);
    const pspReference = auth.value.pspReference;
    const part = (n: number, minorUnits: number, final: boolean) =>
      multi.capture({
        idempotencyKey: `${req.paymentId}:capture:${n}`,
        pspReference,
        amount: { minorUnits, currency: 'JPY' },
        final,
      });
    expect(await part(1, 500, false)).toMatchObject({ kind: 'ok', value: { capturedAmount: { minorUnits: 500 } } });
    expect(await part(1, 500, false)).toMatchObject({ kind: 'ok', value: { capturedAmount: { minorUnits: 500 } } });
    expect(await part(2, 300, true)).toMatchObject({ kind: 'ok', value: { capturedAmount: { minorUnits: 800 } } });
    expect(await part(3, 100, true)).toMatchObject({ kind: 'rejected' });
    // Without multicapture a capture that is not the last is refused by the PSP, naming the parameter.
    const single = await stripe.authorize(await request('4242424242424242'));
    if (single.kind !== 'ok') throw new Error(single.kind);
    expect(
      await stripe.capture({
        idempotencyKey: 'single:capture:1',
        pspReference: single.value.pspReference,
        amount: { minorUnits: 100, currency: 'JPY' },
        final: false,
      }),
    ).toMatchObject({ kind: 'rejected', param: 'final_capture' });
    const ledger = (await (await fetch(`${sim.url}/_sim/ledger`)).json()) as {
      byPaymentId: Record<string, { held: number; settled: number }>;
    };
    expect(ledger.byPaymentId[req.paymentId]).toMatchObject({ held: 0, settled: 800 });
  });

  it('sells (authorize and capture at once) with capture=true', async () => {
    const auth = await stripe.authorize(
      await request('378282246310005', { capture: true, amount: { minorUnits: 1999, currency: 'USD' } }),
    );
    expect(auth).toMatchObject({
      kind: 'ok',
      value: { captured: true, amount: { minorUnits: 1999, currency: 'USD' } },
    });
  });

  it('voids an authorization; a capture after it is rejected', async () => {
    const req = await request('3530111333300000');
    const auth = await stripe.authorize(req);
    if (auth.kind !== 'ok') throw new Error('not authorized');
    const voided = await stripe.void({
      idempotencyKey: `${req.paymentId}:void`,
      pspReference: auth.value.pspReference,
    });
    expect(voided).toEqual({ kind: 'ok', value: { pspReference: auth.value.pspReference } });
    const capture = await stripe.capture({
      idempotencyKey: `${req.paymentId}:capture`,
      pspReference: auth.value.pspReference,
    });
    expect(capture).toMatchObject({ kind: 'rejected', code: 'payment_intent_unexpected_state' });
  });

  it.each([
    ['4000000000000002', 'generic_decline', 'card_declined'],
    ['4000000000009995', 'insufficient_funds', 'card_declined'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc'],
    ['4000000000000119', 'processing_error', 'processing_error'],
  ])('normalizes the decline of %s to %s', async (number, reason, pspCode) => {
    const outcome = await stripe.authorize(await request(number));
    expect(outcome).toMatchObject({
      kind: 'declined',
      decline: { reason, pspCode, pspReference: expect.stringMatching(/^pi_/) },
    });
  });

  it('registers a card on a customer and charges the stored card later', async () => {
    const req = await request('5555555555554444');
    const registered = await stripe.registerCard({
      idempotencyKey: `${req.paymentId}:register`,
      paymentId: req.paymentId,
      orderReference: req.orderReference,
      cardToken: req.cardToken,
    });
    expect(registered).toEqual({
      kind: 'ok',
      value: {
        customerReference: expect.stringMatching(/^cus_/),
        storedCardReference: req.cardToken,
        pspReference: expect.stringMatching(/^seti_/),
      },
    });
    if (registered.kind !== 'ok') return;
    for (const n of [1, 2]) {
      const charge = await stripe.authorize({
        ...req,
        idempotencyKey: `${req.paymentId}-later-${n}`,
        customerReference: registered.value.customerReference,
        cardToken: registered.value.storedCardReference,
      });
      expect(charge.kind).toBe('ok');
    }
  });

  it('declines the registration of a declining card', async () => {
    const req = await request('4000000000000002');
    const outcome = await stripe.registerCard({ ...req, idempotencyKey: `${req.paymentId}:register` });
    expect(outcome).toMatchObject({ kind: 'declined', decline: { reason: 'generic_decline' } });
  });

  it('finds an authorization by idempotency key, and nothing for an unknown key', async () => {
    const req = await request('4242424242424242');
    const auth = await stripe.authorize(req);
    if (auth.kind !== 'ok') throw new Error('not authorized');
    expect(await stripe.findAuthorization(req)).toEqual({
      kind: 'ok',
      value: {
        status: 'authorized',
        pspReference: auth.value.pspReference,
        amount: { minorUnits: 1200, currency: 'JPY' },
        authorizationCode: auth.value.authorizationCode,
      },
    });
    expect(await stripe.findAuthorization({ idempotencyKey: 'never-used', paymentId: 'pay_never' })).toEqual({
      kind: 'ok',
      value: null,
    });
  });

  it('finds a refund by the idempotency key it was made with, and nothing for another key', async () => {
    const req = await request('4242424242424242', { capture: true });
    const sale = await stripe.authorize(req);
    const pspReference = sale.kind === 'ok' ? sale.value.pspReference : '';
    const refunded = await stripe.refund({
      idempotencyKey: `${req.paymentId}:refund:ref_1`,
      pspReference,
      amount: { minorUnits: 300, currency: 'JPY' },
      capturedBefore: { minorUnits: 1200, currency: 'JPY' },
    });
    expect(refunded.kind).toBe('ok');
    expect(await stripe.findRefund({ pspReference, idempotencyKey: `${req.paymentId}:refund:ref_1` })).toEqual({
      kind: 'ok',
      value: {
        pspReference,
        refundReference: refunded.kind === 'ok' ? refunded.value.refundReference : '',
        refundedAmount: { minorUnits: 300, currency: 'JPY' },
      },
    });
    expect(await stripe.findRefund({ pspReference, idempotencyKey: `${req.paymentId}:refund:ref_2` })).toEqual({
      kind: 'ok',
      value: null,
    });
  });

  it('rejects the same idempotency key with other parameters', async () => {
    const req = await request('4242424242424242');
    await stripe.authorize(req);
    const other = await stripe.authorize({ ...req, amount: { minorUnits: 1300, currency: 'JPY' } });
    expect(other).toMatchObject({ kind: 'rejected', code: 'idempotency_error' });
    expect((await chargeCounts(sim.url)).total).toBe(1);
  });

  it('rejects an unknown token, naming the parameter', async () => {
    const outcome = await stripe.authorize({ ...(await request('4242424242424242')), cardToken: 'pm_unknown' });
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'resource_missing', param: 'payment_method' });
  });
});

describe('StripeConnector faults', () => {
  it('timeout: unknown outcome; the retry with the same key finds the one charge', async () => {
    const req = await request('4242424242424242');
    await setFault(sim.url, { mode: 'timeout', count: 1, path: '/v1/payment_intents' });
    expect(await stripe.authorize(req)).toMatchObject({ kind: 'unknown', cause: 'timeout' });
    const retry = await stripe.authorize(req);
    expect(retry.kind).toBe('ok');
    expect((await chargeCounts(sim.url)).byIdempotencyKey).toEqual({ [req.idempotencyKey]: 1 });
  });

  it.each([
    ['http500', 'server_error'],
    ['http503', 'server_error'],
    ['malformed', 'malformed_response'],
    ['reset', 'connection_reset'],
  ])('%s: unknown outcome (%s), reconciled by the retry without a second charge', async (mode, cause) => {
    const req = await request('4242424242424242');
    await setFault(sim.url, { mode, count: 1 });
    expect(await stripe.authorize(req)).toMatchObject({ kind: 'unknown', cause });
    expect((await stripe.authorize(req)).kind).toBe('ok');
    expect((await chargeCounts(sim.url)).total).toBe(1);
  });

  it('connection refused: unavailable (certainly not charged)', async () => {
    const closed = await startPspSimulator({ port: 0 });
    await closed.close();
    const unreachable = new StripeConnector({ baseUrl: closed.url, apiKey: 'sk_test_x', timeoutMs: 2000 });
    const outcome = await unreachable.capture({ idempotencyKey: 'k', pspReference: 'pi_1' });
    expect(outcome).toMatchObject({ kind: 'unavailable', cause: 'connection_refused' });
  });

  it('a wrong API key is rejected, not retried', async () => {
    const wrong = new StripeConnector({ baseUrl: sim.url, apiKey: 'sk_live_nope', timeoutMs: 2000 });
    expect(await wrong.findAuthorization({ idempotencyKey: 'k', paymentId: 'pay_k' })).toMatchObject({
      kind: 'rejected',
    });
  });
});
