import { type PspSimulator, startPspSimulator } from '@ivr/psp-simulator';
import { StripeTokenizer } from '../src/adapters/psp/stripe-tokenizer';
import { secretDigitsFromString as secret } from '../src/card/secret-digits';

// The embedded default PSP: the simulator answers like Stripe, so the same connector serves both.
describe('Stripe tokenizer against the PSP simulator', () => {
  let sim: PspSimulator;
  let tokenizer: StripeTokenizer;
  beforeAll(async () => {
    sim = await startPspSimulator({ port: 0 });
    tokenizer = new StripeTokenizer({ baseUrl: sim.url, apiKey: 'sk_test_vault', timeoutMs: 5000 });
  });
  afterAll(() => sim.close());

  const card = (pan: string, cvc = '123') => ({
    pan: secret(pan),
    expiryMonth: 12,
    expiryYear: 2030,
    securityCode: secret(cvc),
  });

  it.each(['4242424242424242', '5555555555554444', '378282246310005'])(
    'registers %s and answers a token',
    async (pan) => {
      const { token } = await tokenizer.tokenize(card(pan, pan.startsWith('37') ? '1234' : '123'), {
        idempotencyKey: `sim-${pan}-${Date.now()}`,
      });
      expect(token).toMatch(/^pm_/);
    },
  );

  it('replays the same token for a retried request with the same idempotency key', async () => {
    const key = `sim-retry-${Date.now()}`;
    const first = await tokenizer.tokenize(card('4242424242424242'), { idempotencyKey: key });
    const again = await tokenizer.tokenize(card('4242424242424242'), { idempotencyKey: key });
    expect(again.token).toBe(first.token);
  });

  it('reports a wrong API key as PSP unavailable', async () => {
    const wrong = new StripeTokenizer({ baseUrl: sim.url, apiKey: 'nope', timeoutMs: 5000 });
    await expect(wrong.tokenize(card('4242424242424242'), { idempotencyKey: 'k' })).rejects.toMatchObject({
      failure: 'unavailable',
    });
  });
});
