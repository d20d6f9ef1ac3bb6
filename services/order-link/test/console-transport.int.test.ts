import { loadConsoleConfig } from '../src/adapters/http/console/config';
import { buildConsoleDeps } from '../src/adapters/http/console/wire';
import { trustedProxiesField } from '../src/adapters/http/trusted-proxies';
import { consoleSettings, type Harness, serveEntry, startHarness, TEST_TOTP_KEYS } from './harness';

const PUBLIC = 'https://payments.example.com';
const silent = { warn: () => undefined, error: () => undefined };

describe('the console behind a TLS-terminating proxy (real HTTP and PostgreSQL)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('transport');
    const { deps, stop } = buildConsoleDeps(h.core, h.pool, h.schema, consoleSettings(), silent);
    stop();
    await deps.operators.create(
      { actor: 'cli:test', role: 'cli' },
      { username: 'op1', displayName: 'Op', role: 'operator', team: null, sipAddress: '' },
      'op1-password-123',
    );
  });
  afterAll(() => h.close());

  /** order-link's HTTP entry with these settings, on a fresh port; answers its base URL. */
  const serve = async (trustedProxies: string[], env: Record<string, string> = {}) =>
    (await serveEntry(h, { trustedProxies, env, hstsMaxAgeSeconds: 31_536_000 })).base;

  const signIn = (base: string, headers: Record<string, string>) =>
    fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username: 'op1', password: 'op1-password-123' }),
    });
  const asIngress = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'payments.example.com', origin: PUBLIC };

  it('believes the scheme and host a trusted proxy reports: sign-in works, Secure cookie, HSTS', async () => {
    const base = await serve(['127.0.0.1']);
    const res = await signIn(base, asIngress);
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const api = await fetch(`${base}/v1/payments`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('ignores forwarded headers from a peer it does not trust, and says what was refused', async () => {
    const base = await serve([]);
    const res = await signIn(base, asIngress);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ title: 'Not allowed', detail: 'cross-origin request refused' });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('sets Secure on the cookie over plain http too, unless development allows plain http', async () => {
    const strict = await serve([], { CONSOLE_ALLOW_PLAIN_HTTP: 'false' });
    const secure = await signIn(strict, { origin: strict });
    expect(secure.status).toBe(201);
    expect(secure.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(secure.headers.get('strict-transport-security')).toBeNull();
    const dev = await serve([]);
    const plain = await signIn(dev, { origin: dev });
    expect(plain.status).toBe(201);
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
  });
});

describe('trusted proxy and plain-http settings', () => {
  it('takes addresses and CIDRs, never one that trusts everyone', () => {
    const field = trustedProxiesField('TRUSTED_PROXIES');
    expect(field.parse('10.0.0.0/8, 127.0.0.1,fd00::/8')).toEqual({
      ok: true,
      value: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8'],
    });
    expect(field.parse(undefined)).toEqual({ ok: true, value: [] });
    for (const bad of ['true', '*', '0.0.0.0/0', '::/0', '10.0.0.0/33', 'ingress-nginx', '10.0.0.1/8/1'])
      expect(field.parse(bad).ok).toBe(false);
  });

  it('refuses plain http for the console in production', () => {
    const env = { OPERATOR_TOKEN_SECRET: 'x', OPERATOR_TOTP_KEYS: TEST_TOTP_KEYS, CONSOLE_ALLOW_PLAIN_HTTP: 'true' };
    expect(() => loadConsoleConfig({ ...env, NODE_ENV: 'production' })).toThrow(/CONSOLE_ALLOW_PLAIN_HTTP/);
    expect(loadConsoleConfig(env).allowPlainHttp).toBe(true);
  });
});
