/**
 * Webhook signing secrets are encrypted at rest (docs/security-audit.md, item 7): AES-256-GCM with a
 * key from the environment, its id stored beside the ciphertext so that keys can be rotated; rows
 * written in clear before are encrypted when the service starts. Real PostgreSQL and HTTP receivers.
 */
import { randomBytes } from 'node:crypto';
import { createPgPool } from '@ivr/eventstore';
import { parseKeyring } from '@ivr/secret-box';
import { completed, Receiver, until } from '@ivr/testkit/webhook-receiver';
import type { Pool } from 'pg';
import { verifyIvrSignature } from '../../../examples/verify-webhook-signature';
import type { buildCore } from '../src/wiring';
import { type deliveryHandlerFor, startDeliveryCore } from './http-harness';

const key = () => randomBytes(32).toString('base64');
const K1 = `k1:${key()}`;
const K2 = `k2:${key()}`;
const policy = { baseDelayMs: 50, maxDelayMs: 100, retryWindowMs: 3_000 };

describe('webhook secrets at rest', () => {
  let pool: Pool;
  let schema: string;
  let receiver: Receiver;
  const cores: Awaited<ReturnType<typeof buildCore>>[] = [];

  /** A notification core whose keyring is `keys` (the first encrypts), its dispatcher running. */
  const start = async (keys: string) => {
    const started = await startDeliveryCore({ pool, schema, policy, secretKeys: keys });
    cores.push(started.core);
    return started;
  };
  const stopAll = async () => {
    for (const c of cores.splice(0)) await c.dispatcher.stop();
  };
  const row = async (endpointId: string): Promise<Record<string, unknown>> =>
    (await pool.query(`select * from "${schema}".webhook_endpoints where endpoint_id = $1`, [endpointId])).rows[0];
  const rowText = async (endpointId: string): Promise<string> =>
    (await pool.query(`select e::text as t from "${schema}".webhook_endpoints e where endpoint_id = $1`, [endpointId]))
      .rows[0].t;
  /** Sends one PaymentCompleted and returns the signed request the receiver got for it. */
  const deliverOnce = async (handle: ReturnType<typeof deliveryHandlerFor>, system: string, paymentId: string) => {
    const event = completed(system, paymentId);
    await handle(event);
    await until(`the delivery of ${paymentId}`, () => receiver.ids().includes(event.eventId));
    return receiver.received.find((r) => r.body.includes(event.eventId))!;
  };

  beforeAll(async () => {
    pool = createPgPool(process.env.IVR_TEST_DATABASE_URL!, { applicationName: 'test-nwsec', max: 10 });
    schema = `nwsec_${randomBytes(4).toString('hex')}`;
    receiver = await new Receiver(() => 200).start();
  });
  afterEach(stopAll);
  afterAll(async () => {
    await receiver.stop();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('stores only ciphertext and its key id, and still signs with the secret', async () => {
    const { core, handle } = await start(K1);
    const ep = await core.webhooks.createEndpoint('enc-shop', receiver.url, '', new Date());
    expect(ep.secret).toMatch(/^whsec_/);
    const stored = await rowText(ep.endpointId);
    expect(stored).not.toContain(ep.secret);
    expect(stored).not.toContain(ep.secret.slice(6)); // nor the random part alone
    expect(await row(ep.endpointId)).toMatchObject({ secret_key_id: 'k1' });
    const got = await deliverOnce(handle, 'enc-shop', 'pay_enc1');
    expect(verifyIvrSignature(got.body, got.signature, ep.secret)).toBe(true);
  });

  it('rotates: a new first key re-encrypts every row at start, and the old key can then go', async () => {
    const first = await start(K1);
    const ep = await first.core.webhooks.createEndpoint('rot-shop', receiver.url, '', new Date());
    await stopAll();

    await start(`${K2},${K1}`); // the new key first, the old one still there to read
    expect(await row(ep.endpointId)).toMatchObject({ secret_key_id: 'k2' });
    await stopAll();

    const { handle } = await start(K2); // the old key removed
    const got = await deliverOnce(handle, 'rot-shop', 'pay_rot1');
    expect(verifyIvrSignature(got.body, got.signature, ep.secret)).toBe(true);
  });

  it('encrypts a secret stored in clear before this version when the service starts (the migration of old rows)', async () => {
    await start(K1);
    await stopAll();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    await pool.query(
      `insert into "${schema}".webhook_endpoints (endpoint_id, order_system, url, secret, description, created_at)
       values ('we_old000000000000000000001', 'old-shop', $1, $2, '', now())`,
      [receiver.url, secret],
    );
    const { handle } = await start(K1);
    expect(await rowText('we_old000000000000000000001')).not.toContain(secret.slice(6));
    expect(await row('we_old000000000000000000001')).toMatchObject({ secret: null, secret_key_id: 'k1' });
    const got = await deliverOnce(handle, 'old-shop', 'pay_old1');
    expect(verifyIvrSignature(got.body, got.signature, secret)).toBe(true);
  });

  it('refuses to start without a usable key, and names no key material', () => {
    const problems = ['', 'k1', 'k1:c2hvcnQ=', `${K1},${K1}`, `bad id!:${key()}`];
    for (const keys of problems) {
      let error = '';
      try {
        parseKeyring(keys, 'WEBHOOK_SECRET_KEYS');
      } catch (err) {
        error = (err as Error).message;
      }
      expect({ keys: keys.slice(0, 6), failed: error !== '' }).toEqual({ keys: keys.slice(0, 6), failed: true });
      expect(error).not.toContain(K1.slice(3, 20));
    }
  });
});
