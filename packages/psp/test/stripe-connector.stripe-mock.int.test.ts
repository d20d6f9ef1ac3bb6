import { type StripeMock, startStripeMock } from '@ivr/psp-simulator';
import { StripeConnector } from '../src';

/**
 * stripe-mock validates every request against Stripe's OpenAPI specification and answers canned
 * fixtures (no state, no declines). What it can tell: each call's parameters are ones Stripe accepts
 * (MOTO flag, expand, metadata, setup intents) and the answers parse into the connector's results.
 */
let mock: StripeMock;
let stripe: StripeConnector;
beforeAll(async () => {
  mock = await startStripeMock();
  stripe = new StripeConnector({ baseUrl: mock.url, apiKey: 'sk_test_123', timeoutMs: 5000 });
}, 30_000);
afterAll(() => mock.close());

describe('StripeConnector against stripe-mock', () => {
  it('sends an authorization Stripe accepts (canned intents never leave requires_payment_method)', async () => {
    const outcome = await stripe.authorize({
      idempotencyKey: 'pay_1:authorize',
      paymentId: 'pay_1',
      orderReference: 'order-1',
      cardToken: 'pm_card_visa',
      amount: { minorUnits: 1200, currency: 'JPY' },
      capture: false,
    });
    // A parameter Stripe does not know would be `invalid_request_error`; the canned status is all that is left.
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'unexpected_status' });
  });

  it('captures and voids by PaymentIntent id', async () => {
    const capture = await stripe.capture({ idempotencyKey: 'pay_1:capture', pspReference: 'pi_123' });
    expect(capture).toMatchObject({ kind: 'ok', value: { pspReference: 'pi_123' } });
    const partial = await stripe.capture({
      idempotencyKey: 'pay_2:capture',
      pspReference: 'pi_456',
      amount: { minorUnits: 500, currency: 'USD' },
    });
    expect(partial.kind).toBe('ok');
    expect(await stripe.void({ idempotencyKey: 'pay_1:void', pspReference: 'pi_123' })).toEqual({
      kind: 'ok',
      value: { pspReference: 'pi_123' },
    });
  });

  it('registers a card: the customer and setup intent requests are accepted', async () => {
    const outcome = await stripe.registerCard({
      idempotencyKey: 'pay_3:register',
      paymentId: 'pay_3',
      orderReference: 'order-3',
      cardToken: 'pm_card_visa',
    });
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'unexpected_status' });
  });

  it('searches by idempotency key', async () => {
    const outcome = await stripe.findAuthorization({ idempotencyKey: 'pay_1:authorize', paymentId: 'pay_1' });
    expect(outcome).toMatchObject({ kind: 'ok', value: { pspReference: expect.stringMatching(/^pi_/) } });
  });

  it('reports a request Stripe refuses (no valid test key) as rejected', async () => {
    const unauthenticated = new StripeConnector({ baseUrl: mock.url, apiKey: 'not-a-key', timeoutMs: 5000 });
    const outcome = await unauthenticated.capture({ idempotencyKey: 'k', pspReference: 'pi_1' });
    expect(outcome).toMatchObject({ kind: 'rejected', message: expect.stringContaining('testmode secret API key') });
  });
});
