/**
 * Webhook management through order-link's public API, forwarded to notification's internal API:
 * both run in this process on fresh schemas, talking real HTTP.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPgPool } from '@ivr/eventstore';
import type { Pool } from 'pg';
import { createNotificationHttp } from '../../services/notification/src/adapters/http/server';
import { buildCore } from '../../services/notification/src/wiring';
import { call, type Harness, startHarness } from '../../services/order-link/test/harness';

describe('webhook endpoints through the order-link API', () => {
  let h: Harness;
  let pool: Pool;
  let schema: string;
  let server: Server;
  let core: Awaited<ReturnType<typeof buildCore>>;

  beforeAll(async () => {
    pool = createPgPool(process.env.IVR_TEST_DATABASE_URL!, { applicationName: 'test-whapi', max: 5 });
    schema = `whapi_${randomBytes(4).toString('hex')}`;
    const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };
    core = await buildCore({
      pool,
      schema,
      policy: { baseDelayMs: 50, maxDelayMs: 100, retryWindowMs: 1000 },
      timeoutMs: 500,
      concurrency: 2,
      pollIntervalMs: 1000,
      logger: silent,
    });
    const app = createNotificationHttp({
      hub: core.hub,
      webhooks: core.webhooks,
      operatorTokenSecret: 'x',
      internalToken: 'service-token',
      retryWindowMs: 1000,
      heartbeatMs: 60_000,
      now: () => new Date(),
      onRedeliver: () => undefined,
      logger: silent,
    });
    server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await startHarness('whapi_ol', { baseUrl, token: 'service-token' });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((r) => server.close(r));
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('registers (secret shown once), lists, logs, redelivers and disables endpoints of the caller only', async () => {
    const created = await call(h, 'POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hooks', description: 'test' },
      idempotencyKey: 'we-1-aaaa',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      orderSystem: 'shop',
      url: 'http://127.0.0.1:9/hooks',
      secret: expect.stringMatching(/^whsec_/),
    });
    const listed = await call(h, 'GET', '/v1/webhook-endpoints');
    expect(listed.body.data).toEqual([expect.objectContaining({ endpointId: created.body.endpointId })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const bad = await call(h, 'POST', '/v1/webhook-endpoints', {
      body: { url: 'ftp://x' },
      idempotencyKey: 'we-2-aaaa',
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[])[0]!.field).toBe('url');

    const log = await call(h, 'GET', `/v1/webhook-endpoints/${created.body.endpointId}/deliveries?limit=5`);
    expect(log).toMatchObject({ status: 200, body: { data: [] } });
    const missing = await call(h, 'POST', `/v1/webhook-deliveries/wd_${'0'.repeat(32)}/redeliver`, {
      idempotencyKey: 'we-3-aaaa',
    });
    expect(missing.status).toBe(404);

    const stranger = await h.core.apiKeys.issue('other-shop', 'x', ['webhooks:manage'], 'test');
    const theirs = await call(h, 'DELETE', `/v1/webhook-endpoints/${created.body.endpointId}`, { key: stranger.key });
    expect(theirs.status).toBe(404);
    const reader = await h.core.apiKeys.issue('shop', 'r', ['payments:read'], 'test');
    expect((await call(h, 'GET', '/v1/webhook-endpoints', { key: reader.key })).status).toBe(403);
    expect((await call(h, 'DELETE', `/v1/webhook-endpoints/${created.body.endpointId}`)).status).toBe(204);
  });

  it('answers 503 when notification cannot be reached, never 500', async () => {
    const down = await startHarness('whapi_dn', { baseUrl: 'http://127.0.0.1:9', token: 't' });
    try {
      const r = await call(down, 'GET', '/v1/webhook-endpoints');
      expect(r.status).toBe(503);
      expect(r.body.type).toBe('/problems/unavailable');
    } finally {
      await down.close();
    }
  });
});
