/**
 * Webhooks go only to public HTTPS endpoints (docs/security-audit.md, item 8): an internal address is
 * refused when the endpoint is registered and again at every connection, whatever the DNS answers
 * then; redirects are not followed; delivery errors name no address or port. Real HTTP receivers
 * and the real PostgreSQL; DNS answers come from a resolver the test controls.
 */
import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { createPgPool } from '@ivr/eventstore';
import { type Answer, completed, Receiver, until } from '@ivr/testkit/webhook-receiver';
import type { Pool } from 'pg';
import type { buildCore } from '../src/wiring';
import { type NotificationHttp, startDeliveryCore, startNotificationHttp } from './http-harness';

const policy = { baseDelayMs: 50, maxDelayMs: 100, retryWindowMs: 1_500 };

describe('webhook destinations', () => {
  let pool: Pool;
  let schema: string;
  const receivers: Receiver[] = [];
  const cores: Awaited<ReturnType<typeof buildCore>>[] = [];
  /** What the test's DNS answers for a name, changed as the test goes. */
  const dns = new Map<string, string>();
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    const address = dns.get(host);
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };

  const receiver = async (behave: (n: number) => Answer) => {
    const r = await new Receiver(behave).start();
    receivers.push(r);
    return r;
  };
  /** A notification core with the given policy, its dispatcher running, and a handler of events. */
  const start = async (allowLoopback: boolean) => {
    const started = await startDeliveryCore({ pool, schema, policy, destinations: { allowLoopback }, resolve });
    cores.push(started.core);
    return started;
  };
  const settled = async (core: Awaited<ReturnType<typeof buildCore>>, system: string, endpointId: string) => {
    await until('the delivery to settle', async () => {
      const [d] = await core.webhooks.listDeliveries(system, endpointId, 1);
      return d !== undefined && (d.status !== 'pending' || d.attempts >= 1);
    });
    return (await core.webhooks.listDeliveries(system, endpointId, 1))[0]!;
  };

  beforeAll(async () => {
    pool = createPgPool(process.env.IVR_TEST_DATABASE_URL!, { applicationName: 'test-nwdest', max: 10 });
    schema = `nwdest_${randomBytes(4).toString('hex')}`;
  });
  afterAll(async () => {
    for (const c of cores) await c.dispatcher.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('refuses to register internal, plain-http and non-443 URLs (the attacks of the review among them)', async () => {
    const n: NotificationHttp = await startNotificationHttp('nwdest_api', { destinations: { allowLoopback: false } });
    try {
      const register = async (url: string) => {
        const res = await fetch(`${n.base}/internal/v1/order-systems/shop/webhook-endpoints`, {
          method: 'POST',
          headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        });
        return { url, status: res.status };
      };
      const attacks = [
        'http://169.254.169.254/latest/meta-data/',
        'http://127.0.0.1:9105/metrics',
        'https://[::ffff:169.254.169.254]/',
        'https://10.0.0.7/',
        'https://hooks.example.com:8443/in',
        'https://order-link.ivr.svc.cluster.local/',
      ];
      const answers = await Promise.all(attacks.map(register));
      expect(answers).toEqual(attacks.map((url) => ({ url, status: 400 })));
      expect(await register('https://hooks.example.com/in')).toEqual({
        url: 'https://hooks.example.com/in',
        status: 201,
      });
    } finally {
      await n.close();
    }
  });

  it('does not connect to an endpoint stored with a loopback address before the rules existed', async () => {
    const r = await receiver(() => 200);
    const { core, handle } = await start(false);
    const ep = await core.webhooks.createEndpoint('old-shop', r.url, '', new Date());
    await handle(completed('old-shop', 'pay_old1'));
    const d = await settled(core, 'old-shop', ep.endpointId);
    expect(r.received).toHaveLength(0);
    expect(d.lastStatusCode).toBeNull();
    expect(d.lastError).toBe('the endpoint may not be sent to (not a public https address)');
  });

  it('checks the address the name resolves to at every connection: a DNS answer that turns inside is refused', async () => {
    const r = await receiver(() => 200);
    const port = new URL(r.url).port;
    const { core, handle } = await start(true);
    dns.set('hooks.rebind.test', '127.0.0.1');
    const ep = await core.webhooks.createEndpoint('dns-shop', `http://hooks.rebind.test:${port}/hooks`, '', new Date());
    await handle(completed('dns-shop', 'pay_dns1'));
    await until('the first delivery', () => r.received.length === 1);

    dns.set('hooks.rebind.test', '169.254.169.254');
    await handle(completed('dns-shop', 'pay_dns2'));
    const d = await settled(core, 'dns-shop', ep.endpointId);
    expect(d.status === 'delivered').toBe(false);
    expect(d.lastError).toBe('the endpoint may not be sent to (not a public https address)');
    expect(r.received).toHaveLength(1);
  });

  it('does not follow a redirect (to the metadata address or anywhere)', async () => {
    const target = await receiver(() => 200);
    const redirecting = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const { core, handle } = await start(true);
    const ep = await core.webhooks.createEndpoint('redir-shop', redirecting.url, '', new Date());
    await handle(completed('redir-shop', 'pay_redir1'));
    const d = await settled(core, 'redir-shop', ep.endpointId);
    expect(d.lastStatusCode).toBe(302);
    expect(d.lastError).toBe('endpoint answered HTTP 302');
    expect(target.received).toHaveLength(0);
  });

  it('records a failed connection without the address, port or error code', async () => {
    const closed = await receiver(() => 200);
    const url = closed.url;
    await closed.stop();
    receivers.splice(receivers.indexOf(closed), 1);
    const { core, handle } = await start(true);
    const ep = await core.webhooks.createEndpoint('down-shop', url, '', new Date());
    await handle(completed('down-shop', 'pay_down1'));
    const d = await settled(core, 'down-shop', ep.endpointId);
    expect(d.lastError).toBe('the endpoint could not be reached');
    expect(JSON.stringify([d.lastError, ...d.log.map((a) => a.error)])).not.toMatch(/ECONN|127\.0\.0\.1|\d{4,5}/);
  });
});
