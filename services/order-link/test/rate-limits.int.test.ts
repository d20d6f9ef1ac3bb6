import { type Harness, serveEntry, startHarness } from './harness';

const _silent = { warn: () => undefined, error: () => undefined };

describe('rate limits (real HTTP and PostgreSQL)', () => {
  let h: Harness;
  let base: string;
  let otherKey: string;
  let operatorId: string;

  beforeAll(async () => {
    h = await startHarness('ratelimit');
    otherKey = (await h.core.apiKeys.issue('shop', 'second', ['payments:read'], 'test')).key;
    const served = await serveEntry(h, {
      env: { CONSOLE_SIGNIN_RATE_LIMIT_PER_SOURCE: '3', CONSOLE_LOCKOUT_FAILURES: '10' },
      trustedProxies: ['127.0.0.1'],
      rateLimits: { perKeyPerMinute: 5, perSourcePerMinute: 8, now: () => h.clock.now().getTime() },
    });
    base = served.base;
    operatorId = (
      await served.deps.operators.create(
        { actor: 'cli:test', role: 'cli' },
        { username: 'op1', displayName: 'Op', role: 'operator', team: null, sipAddress: '' },
        'op1-password-123',
      )
    ).operatorId;
  });
  afterAll(() => h.close());

  const list = (key: string, source: string) =>
    fetch(`${base}/v1/payments?limit=1`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': source } });
  const signIn = (password: string, source: string) =>
    fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': source },
      body: JSON.stringify({ username: 'op1', password }),
    });

  it('limits each API key, answering 429 with Retry-After, and lets it go on once the time has passed', async () => {
    const statuses: number[] = [];
    // Each request from its own address: only the key's limit applies.
    for (let i = 0; i < 6; i++) statuses.push((await list(h.key, `198.51.100.${i + 1}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await list(h.key, '198.51.100.20');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await limited.json()).toMatchObject({
      type: '/problems/rate-limited',
      title: 'Too many requests',
      status: 429,
    });
    expect((await list(otherKey, '198.51.100.21')).status).toBe(200);
    h.clock.advance(12_000);
    expect((await list(h.key, '198.51.100.22')).status).toBe(200);
  });

  it('limits each source address before the API key is even checked', async () => {
    h.clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await list(`olk_guess${i}.x`, '203.0.113.7')).status);
    expect(statuses).toEqual(Array(8).fill(401));
    const refused = await list(otherKey, '203.0.113.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await list(otherKey, '203.0.113.8')).status).toBe(200);
  });

  it("limits console sign-in per source before the password is hashed: the account's trail shows only the counted attempts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn('wrong-password-000', '192.0.2.10')).status);
    const fourth = await signIn('op1-password-123', '192.0.2.10');
    expect([...statuses, fourth.status]).toEqual([401, 401, 401, 429]);
    expect(fourth.headers.get('retry-after')).toBe('20');
    expect(await fourth.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    const events = await h.core.store.readStream(`operator-${operatorId}`);
    expect(events.filter((e) => e.type === 'OperatorSignInFailed')).toHaveLength(3);
    expect((await signIn('op1-password-123', '192.0.2.11')).status).toBe(201);
  });
});
