/**
 * Idempotency replays and secrets (docs/security-audit.md, item 6): a stored answer is replayed only
 * to a key that has the operation's scope, and the idempotency table never holds a secret (new API
 * keys, webhook signing secrets). order-link and notification run in this process on fresh schemas of
 * the real PostgreSQL, talking real HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NotificationHttp, startNotificationHttp } from '../../services/notification/test/http-harness';
import { call, type Harness, startHarness, validPayment } from '../../services/order-link/test/harness';

describe('idempotent POSTs: scope before replay, no secret in the idempotency table', () => {
  let h: Harness;
  let n: NotificationHttp;
  let reader: string;

  beforeAll(async () => {
    n = await startNotificationHttp('idem_n');
    const { base: baseUrl, token } = n;
    h = await startHarness('idem_ol', { baseUrl, token });
    reader = (await h.core.apiKeys.issue('shop', 'reader', ['payments:read'], 'test')).key;
  });
  afterAll(async () => {
    await h.close();
    await n.close();
  });

  const storedAnswers = async (): Promise<string> => {
    const { rows } = await h.pool.query(`select response::text as r from "${h.schema}".idempotency_keys`);
    return rows.map((x) => x.r as string).join('\n');
  };

  it('refuses a weaker key that reuses the Idempotency-Key of an API key creation (403, nothing replayed)', async () => {
    const body = { name: 'ci', scopes: ['payments:read', 'api_keys:manage'] };
    const created = await call(h, 'POST', '/v1/api-keys', { body, idempotencyKey: 'idem-apikey-1' });
    expect(created.status).toBe(201);
    const secret = String(created.body.key);
    expect(secret).toMatch(/^olk_/);

    const stolen = await call(h, 'POST', '/v1/api-keys', { body, idempotencyKey: 'idem-apikey-1', key: reader });
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get('idempotency-replayed')).toBeNull();
    expect(JSON.stringify(stolen.body)).not.toContain(secret);

    // The key that may create keys gets the replay: the record, without the key (shown once).
    const replay = await call(h, 'POST', '/v1/api-keys', { body, idempotencyKey: 'idem-apikey-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ keyId: created.body.keyId, name: 'ci', scopes: body.scopes });
    expect(replay.body).not.toHaveProperty('key');
    expect(await storedAnswers()).not.toContain(secret.split('.')[1]);
  });

  it('refuses a weaker key that reuses the Idempotency-Key of a webhook endpoint registration', async () => {
    const body = { url: 'http://127.0.0.1:9/hooks' };
    const created = await call(h, 'POST', '/v1/webhook-endpoints', { body, idempotencyKey: 'idem-webhook-1' });
    expect(created.status).toBe(201);
    const secret = String(created.body.secret);
    expect(secret).toMatch(/^whsec_/);

    const stolen = await call(h, 'POST', '/v1/webhook-endpoints', {
      body,
      idempotencyKey: 'idem-webhook-1',
      key: reader,
    });
    expect(stolen.status).toBe(403);
    expect(JSON.stringify(stolen.body)).not.toContain(secret);

    const replay = await call(h, 'POST', '/v1/webhook-endpoints', { body, idempotencyKey: 'idem-webhook-1' });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body).toMatchObject({ endpointId: created.body.endpointId, url: body.url });
    expect(replay.body).not.toHaveProperty('secret');
    expect(await storedAnswers()).not.toContain(secret);
  });

  it('refuses a read-only key that reuses the Idempotency-Key of a cancellation', async () => {
    const made = await call(h, 'POST', '/v1/payments', {
      body: validPayment('ORD-IDEM-1'),
      idempotencyKey: 'idem-pay-1',
    });
    expect(made.status).toBe(201);
    const path = `/v1/payments/${made.body.paymentId}/cancel`;
    expect((await call(h, 'POST', path, { body: {}, idempotencyKey: 'idem-cancel-1' })).status).toBe(200);
    const stolen = await call(h, 'POST', path, { body: {}, idempotencyKey: 'idem-cancel-1', key: reader });
    expect(stolen.status).toBe(403);
    expect(stolen.headers.get('idempotency-replayed')).toBeNull();
  });

  it('removes secrets from answers remembered before the fix (migration 003)', async () => {
    const insert = (key: string, methodPath: string, response: object) =>
      h.pool.query(
        `insert into "${h.schema}".idempotency_keys (order_system, idempotency_key, method_path, request_sha256, status, response)
         values ('shop', $1, $2, 'x', 201, $3)`,
        [key, methodPath, JSON.stringify(response)],
      );
    await insert('old-apikey', 'POST /v1/api-keys', { keyId: 'k1', key: 'olk_k1.old-secret-aaaa' });
    await insert('old-webhook', 'POST /v1/webhook-endpoints', { endpointId: 'we_1', secret: 'whsec_old-bbbb' });
    const sql = readFileSync(
      join(__dirname, '..', '..', 'services/order-link/migrations/003_idempotency_without_secrets.sql'),
      'utf8',
    );
    const client = await h.pool.connect();
    try {
      await client.query(`set search_path to "${h.schema}"`);
      await client.query(sql);
    } finally {
      await client.query('reset search_path');
      client.release();
    }
    const stored = await storedAnswers();
    expect(stored).not.toContain('old-secret-aaaa');
    expect(stored).not.toContain('whsec_old-bbbb');
    expect(stored).toContain('"endpointId": "we_1"');
  });
});
