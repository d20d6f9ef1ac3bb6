import { type PspSimulator, startPspSimulator } from '../src/index';
import { errorOf, paymentMethod, post, simulator } from './stripe-client';

let sim: PspSimulator;
beforeAll(async () => {
  sim = await startPspSimulator({ port: 0 });
});
afterAll(() => sim.close());
beforeEach(() => simulator(sim.url, 'POST', '/reset'));

const charges = async () => (await simulator(sim.url, 'GET', '/charges')).body;
const intent = (pm: string, amount = 500) => ({
  amount,
  currency: 'usd',
  payment_method: pm,
  confirm: true,
  capture_method: 'manual',
  'metadata[payment_id]': 'pay_1',
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and parameters and charges once', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    const first = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-1' });
    const second = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-1' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await charges()).toMatchObject({ total: 1, byIdempotencyKey: { 'k-1': 1 } });
  });

  it('refuses the same key with other parameters with 400 idempotency_error', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-2' });
    const other = await post(sim.url, '/v1/payment_intents', intent(pm, 501), { idempotencyKey: 'k-2' });
    expect(other.status).toBe(400);
    expect(errorOf(other)).toMatchObject({ type: 'idempotency_error' });
    expect((await charges()).total).toBe(1);
  });

  it('replays a decline too', async () => {
    const pm = await paymentMethod(sim.url, '4000000000009995');
    const first = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-3' });
    const second = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-3' });
    expect(second.status).toBe(402);
    expect(second.body).toEqual(first.body);
  });

  it('stores nothing for a request that failed validation, so it can be corrected and retried', async () => {
    const bad = await post(sim.url, '/v1/customers', { nonsense: 1 }, { idempotencyKey: 'k-4' });
    expect(bad.status).toBe(400);
    const good = await post(sim.url, '/v1/customers', { nonsense: 1 }, { idempotencyKey: 'k-4' });
    expect(good.status).toBe(400);
    expect(errorOf(good).type).toBe('invalid_request_error');
  });

  it('refuses a second request while the first with the same key is still running (409)', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', {
      mode: 'none',
      latencyMs: 300,
      count: 1,
      path: '/v1/payment_intents',
    });
    const slow = post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-5' });
    await new Promise((r) => setTimeout(r, 100));
    const concurrent = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-5' });
    expect(concurrent.status).toBe(409);
    expect(errorOf(concurrent).type).toBe('idempotency_error');
    expect((await slow).status).toBe(200);
    expect((await charges()).total).toBe(1);
  });
});

describe('faults', () => {
  it('timeout: the charge is made but the answer never comes; a retry with the key gets the stored answer', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', { mode: 'timeout', count: 1, path: '/v1/payment_intents' });
    const lost = post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-t' });
    const outcome = await Promise.race([
      lost.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('waiting'), 500)),
    ]);
    expect(outcome).toBe('waiting');
    expect((await charges()).byIdempotencyKey).toEqual({ 'k-t': 1 });
    const retry = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-t' });
    expect(retry.body.status).toBe('requires_capture');
    expect((await charges()).total).toBe(1);
    lost.catch(() => {});
  });

  it('http500 and http503: answered with api_error and nothing runs', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', { mode: 'http500', count: 1 });
    await simulator(sim.url, 'POST', '/faults', { mode: 'http503', count: 1, path: '/v1/customers' });
    const failed = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-5xx' });
    expect(failed.status).toBe(500);
    expect(errorOf(failed).type).toBe('api_error');
    expect((await post(sim.url, '/v1/customers', {})).status).toBe(503);
    expect((await charges()).total).toBe(0);
    const retry = await post(sim.url, '/v1/payment_intents', intent(pm), { idempotencyKey: 'k-5xx' });
    expect(retry.status).toBe(200);
    expect((await charges()).total).toBe(1);
  });

  it('malformed: a 200 whose body is not JSON, after the request ran', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', { mode: 'malformed', count: 1 });
    const res = await fetch(`${sim.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_x', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ amount: '500', currency: 'usd', payment_method: pm, confirm: 'true' }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await charges()).total).toBe(1);
  });

  it('reset: the connection drops without an answer, after the request ran', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', { mode: 'reset', count: 1 });
    await expect(post(sim.url, '/v1/payment_intents', intent(pm))).rejects.toThrow();
    expect((await charges()).total).toBe(1);
  });

  it('process=false makes a timeout that never reached the PSP', async () => {
    const pm = await paymentMethod(sim.url, '4242424242424242');
    await simulator(sim.url, 'POST', '/faults', { mode: 'reset', count: 1, process: false });
    await expect(post(sim.url, '/v1/payment_intents', intent(pm))).rejects.toThrow();
    expect((await charges()).total).toBe(0);
  });

  it('applies a rule only to its path and its count, and DELETE clears every rule', async () => {
    await simulator(sim.url, 'POST', '/faults', { mode: 'http500', count: 2, path: '/v1/customers' });
    expect((await post(sim.url, '/v1/payment_methods', { type: 'card' })).status).toBe(400);
    expect((await post(sim.url, '/v1/customers', {})).status).toBe(500);
    expect((await post(sim.url, '/v1/customers', {})).status).toBe(500);
    expect((await post(sim.url, '/v1/customers', {})).status).toBe(200);
    await simulator(sim.url, 'POST', '/faults', { mode: 'http503' });
    expect((await simulator(sim.url, 'GET', '/faults')).body.faults).toHaveLength(1);
    await simulator(sim.url, 'DELETE', '/faults');
    expect((await post(sim.url, '/v1/customers', {})).status).toBe(200);
  });

  it('rejects an invalid rule and names the field', async () => {
    const bad = await simulator(sim.url, 'POST', '/faults', { mode: 'explode' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('mode');
    const badCount = await simulator(sim.url, 'POST', '/faults', { mode: 'none', count: 0 });
    expect(JSON.stringify(badCount.body)).toContain('count');
  });

  it('answers a body that is not form-encoded JSON with a clear 400 and stays up', async () => {
    const res = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(res.status).toBe(400);
    expect((await simulator(sim.url, 'GET', '/charges')).status).toBe(200);
  });
});
