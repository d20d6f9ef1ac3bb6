/**
 * Webhook management through order-link's public API, forwarded to notification's internal API:
 * both run in this process on fresh schemas, talking real HTTP.
 */
import { type NotificationHttp, startNotificationHttp } from '../../services/notification/test/http-harness';
import { call, type Harness, startHarness } from '../../services/order-link/test/harness';
import { APPROVED_TEST_PAN } from '../fixtures/test-cards';

describe('webhook endpoints through the order-link API', () => {
  let h: Harness;
  let n: NotificationHttp;

  beforeAll(async () => {
    n = await startNotificationHttp('whapi');
    const { base: baseUrl, token } = n;
    h = await startHarness('whapi_ol', { baseUrl, token });
  });
  afterAll(async () => {
    await h.close();
    await n.close();
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

  it("notification's internal API refuses a card number in an endpoint's description or URL too", async () => {
    for (const body of [
      { url: 'https://hooks.example.com/in', description: `card ${APPROVED_TEST_PAN}` },
      { url: `https://hooks.example.com/${APPROVED_TEST_PAN}` },
    ]) {
      const res = await fetch(`${n.base}/internal/v1/order-systems/shop/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${n.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain(APPROVED_TEST_PAN);
    }
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
