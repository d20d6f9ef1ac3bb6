import { type PspSimulator, startPspSimulator } from '../src/index';
import { card, errorOf, get, paymentMethod, post, simulator } from './stripe-client';

let sim: PspSimulator;
const logLines: string[] = [];
beforeAll(async () => {
  sim = await startPspSimulator({ port: 0, log: (line) => logLines.push(JSON.stringify(line)) });
});
afterAll(() => sim.close());
beforeEach(() => simulator(sim.url, 'POST', '/reset'));

const intent = (pm: string, extra: Record<string, string | number | boolean> = {}) => ({
  amount: 1200,
  currency: 'jpy',
  payment_method: pm,
  confirm: true,
  capture_method: 'manual',
  'payment_method_options[card][moto]': true,
  ...extra,
});

describe('payment methods', () => {
  it('keeps brand, BIN, last 4 and expiry, and never answers or logs the number or security code', async () => {
    const answer = await post(sim.url, '/v1/payment_methods', card('378282246310005'));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ object: 'payment_method', type: 'card' });
    expect(answer.body.card).toMatchObject({ brand: 'amex', last4: '0005', iin: '378282', exp_month: 12 });
    const fetched = await get(sim.url, `/v1/payment_methods/${answer.body.id}`);
    const everything = JSON.stringify([answer.body, fetched.body]) + logLines.join('\n');
    expect(everything).not.toContain('378282246310005');
    expect(everything).not.toContain('1234');
  });

  it.each([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['3530111333300000', 'jcb'],
    ['36227206271667', 'diners'],
    ['6205500000000000004', 'unionpay'],
  ])('recognises the brand of %s', async (number, brand) => {
    const answer = await post(sim.url, '/v1/payment_methods', card(number));
    expect((answer.body.card as Record<string, unknown>).brand).toBe(brand);
  });

  it('refuses a number that fails the Luhn check with a card_error naming the field', async () => {
    const answer = await post(sim.url, '/v1/payment_methods', card('4242424242424241'));
    expect(answer.status).toBe(402);
    expect(errorOf(answer)).toMatchObject({ type: 'card_error', code: 'incorrect_number', param: 'card[number]' });
  });

  it('refuses an expired card and a malformed security code', async () => {
    const expired = await post(sim.url, '/v1/payment_methods', { ...card('4242424242424242'), 'card[exp_year]': 2001 });
    expect(errorOf(expired)).toMatchObject({ code: 'invalid_expiry_year' });
    const badCvc = await post(sim.url, '/v1/payment_methods', { ...card('4242424242424242'), 'card[cvc]': '12a' });
    expect(errorOf(badCvc)).toMatchObject({ code: 'invalid_cvc', param: 'card[cvc]' });
  });
});

describe('payment intents by test card', () => {
  it.each([
    '4242424242424242',
    '5555555555554444',
    '378282246310005',
    '3530111333300000',
    '36227206271667',
    '6205500000000000004',
  ])('authorizes %s and counts one charge', async (number) => {
    const pm = await paymentMethod(sim.url, number);
    const answer = await post(sim.url, '/v1/payment_intents', intent(pm, { 'metadata[payment_id]': 'pay_1' }), {
      idempotencyKey: `auth-${number}`,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'requires_capture', amount_capturable: 1200, currency: 'jpy' });
    const charges = await simulator(sim.url, 'GET', '/charges');
    expect(charges.body).toMatchObject({
      total: 1,
      byIdempotencyKey: { [`auth-${number}`]: 1 },
      byPaymentId: { pay_1: 1 },
    });
  });

  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000000069', 'expired_card', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc', 'incorrect_cvc'],
    ['4000000000000119', 'processing_error', 'processing_error'],
    ['4000000000006975', 'card_declined', 'card_velocity_exceeded'],
    ['4000000000009987', 'card_declined', 'lost_card'],
  ])('declines %s with %s / %s and charges nothing', async (number, code, declineCode) => {
    const pm = await paymentMethod(sim.url, number);
    const answer = await post(sim.url, '/v1/payment_intents', intent(pm));
    expect(answer.status).toBe(402);
    const error = errorOf(answer);
    expect(error).toMatchObject({ type: 'card_error', code, decline_code: declineCode });
    expect(error.payment_intent).toMatchObject({ status: 'requires_payment_method' });
    expect((await simulator(sim.url, 'GET', '/charges')).body.total).toBe(0);
  });

  it('captures automatically with capture_method=automatic', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    const answer = await post(sim.url, '/v1/payment_intents', intent(pm, { capture_method: 'automatic' }));
    expect(answer.body).toMatchObject({ status: 'succeeded', amount_received: 1200 });
  });

  it('captures an authorization once, and refuses to cancel it afterwards', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    const authorized = await post(sim.url, '/v1/payment_intents', intent(pm));
    const id = authorized.body.id as string;
    const captured = await post(sim.url, `/v1/payment_intents/${id}/capture`, {});
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_received: 1200, amount_capturable: 0 });
    const again = await post(sim.url, `/v1/payment_intents/${id}/capture`, {});
    expect(again.status).toBe(400);
    expect(errorOf(again)).toMatchObject({ code: 'payment_intent_unexpected_state' });
    const cancel = await post(sim.url, `/v1/payment_intents/${id}/cancel`, {});
    expect(cancel.status).toBe(400);
    expect((await simulator(sim.url, 'GET', '/charges')).body.total).toBe(1);
  });

  it('voids an authorization by cancelling it', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    const authorized = await post(sim.url, '/v1/payment_intents', intent(pm));
    const canceled = await post(sim.url, `/v1/payment_intents/${authorized.body.id}/cancel`, {
      cancellation_reason: 'requested_by_customer',
    });
    expect(canceled.body).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    expect((await get(sim.url, `/v1/payment_intents/${authorized.body.id}`)).body.status).toBe('canceled');
  });

  it('refuses to reuse a payment method that is not attached to a customer', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    expect((await post(sim.url, '/v1/payment_intents', intent(pm))).status).toBe(200);
    const second = await post(sim.url, '/v1/payment_intents', intent(pm));
    expect(second.status).toBe(400);
    expect((await simulator(sim.url, 'GET', '/charges')).body.total).toBe(1);
  });

  it('finds intents by metadata through search', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await post(sim.url, '/v1/payment_intents', intent(pm, { 'metadata[payment_id]': 'pay_search' }));
    const query = encodeURIComponent("metadata['payment_id']:'pay_search'");
    const found = await get(sim.url, `/v1/payment_intents/search?query=${query}`);
    expect(found.body).toMatchObject({ object: 'search_result', has_more: false });
    expect(found.body.data).toEqual([expect.objectContaining({ metadata: { payment_id: 'pay_search' } })]);
    const none = await get(
      sim.url,
      `/v1/payment_intents/search?query=${encodeURIComponent("metadata['payment_id']:'x'")}`,
    );
    expect(none.body.data).toEqual([]);
    const bad = await get(sim.url, `/v1/payment_intents/search?query=${encodeURIComponent('nonsense')}`);
    expect(bad.status).toBe(400);
  });

  it('records the MOTO flag of every charge', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await post(sim.url, '/v1/payment_intents', intent(pm));
    const charges = await simulator(sim.url, 'GET', '/charges');
    expect(charges.body.charges).toEqual([expect.objectContaining({ moto: true, amount: 1200, currency: 'jpy' })]);
  });
});

describe('bad requests', () => {
  it('answers 401 without a test secret key', async () => {
    const none = await post(sim.url, '/v1/customers', {}, { apiKey: null });
    expect(none.status).toBe(401);
    const live = await post(sim.url, '/v1/customers', {}, { apiKey: 'sk_live_abc' });
    expect(live.status).toBe(401);
  });

  it('names a missing, unknown or invalid parameter', async () => {
    expect(errorOf(await post(sim.url, '/v1/payment_intents', { currency: 'usd' }))).toMatchObject({
      code: 'parameter_missing',
      param: 'amount',
    });
    expect(errorOf(await post(sim.url, '/v1/payment_intents', { amount: 100, currency: 'usd', foo: 1 }))).toMatchObject(
      {
        code: 'parameter_unknown',
        param: 'foo',
      },
    );
    expect(errorOf(await post(sim.url, '/v1/payment_intents', { amount: 0, currency: 'usd' }))).toMatchObject({
      param: 'amount',
    });
    expect(errorOf(await post(sim.url, '/v1/payment_intents', { amount: 10, currency: 'xxx' }))).toMatchObject({
      param: 'currency',
    });
    const missing = await post(sim.url, '/v1/payment_intents', {
      amount: 10,
      currency: 'usd',
      payment_method: 'pm_nope',
    });
    expect(missing.status).toBe(404);
    expect(errorOf(missing)).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
  });

  it('answers 404 for an unknown intent and an unknown URL', async () => {
    expect((await get(sim.url, '/v1/payment_intents/pi_nope')).status).toBe(404);
    expect((await get(sim.url, '/v1/charges')).status).toBe(404);
  });
});

describe('customers and setup intents', () => {
  it('stores a card on a customer and charges it off-session', async () => {
    const customer = await post(sim.url, '/v1/customers', { 'metadata[payment_id]': 'pay_reg' });
    expect(customer.body.object).toBe('customer');
    const pm = await paymentMethod(sim.url, '5555555555554444');
    const setup = await post(sim.url, '/v1/setup_intents', {
      confirm: true,
      payment_method: pm,
      customer: customer.body.id as string,
      usage: 'off_session',
      'payment_method_options[card][moto]': true,
    });
    expect(setup.body).toMatchObject({ object: 'setup_intent', status: 'succeeded', usage: 'off_session' });
    expect((await get(sim.url, `/v1/payment_methods/${pm}`)).body.customer).toBe(customer.body.id);
    for (const n of [1, 2]) {
      const charge = await post(sim.url, '/v1/payment_intents', {
        ...intent(pm, { customer: customer.body.id as string, off_session: true }),
        'metadata[payment_id]': `pay_${n}`,
      });
      expect(charge.body.status).toBe('requires_capture');
    }
    expect((await simulator(sim.url, 'GET', '/charges')).body.total).toBe(2);
  });

  it('declines a setup intent for a declining card', async () => {
    const customer = await post(sim.url, '/v1/customers', {});
    const pm = await paymentMethod(sim.url, '4000000000000002');
    const setup = await post(sim.url, '/v1/setup_intents', {
      confirm: true,
      payment_method: pm,
      customer: customer.body.id as string,
    });
    expect(setup.status).toBe(402);
    expect(errorOf(setup)).toMatchObject({ type: 'card_error', decline_code: 'generic_decline' });
  });
});
