import { call, type Harness, startHarness, validPayment } from './harness';

describe('order-link REST API v1', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('olrest');
  });
  afterAll(() => h.close());

  it('creates a payment and answers its transfer code and expiry', async () => {
    const r = await call(h, 'POST', '/v1/payments', { body: validPayment('A-1'), idempotencyKey: 'create-A-1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      orderId: 'A-1',
      status: 'REQUESTED',
      amount: 12345,
      currency: 'JPY',
      mode: 'CAPTURE',
    });
    expect(r.body.transferCode).toMatch(/^[1-9][0-9]{5}$/);
    expect(r.body.transferCodeExpiresAt).toBe(new Date(h.clock.now().getTime() + 15 * 60 * 1000).toISOString());
    expect(r.headers.get('location')).toBe(`/v1/payments/${r.body.paymentId}`);
  });

  it('takes callMode (IVR_ONLY by default) and refuses the removed three-way option with a problem saying why', async () => {
    const assisted = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('A-modes'), callMode: 'AGENT_ASSISTED' },
      idempotencyKey: 'create-A-modes',
    });
    expect(assisted.status).toBe(201);
    expect(assisted.body.callMode).toBe('AGENT_ASSISTED');
    const plain = await call(h, 'POST', '/v1/payments', {
      body: validPayment('A-plain'),
      idempotencyKey: 'create-A-p',
    });
    expect(plain.body.callMode).toBe('IVR_ONLY');
    expect((await call(h, 'GET', `/v1/payments/${assisted.body.paymentId}`)).body.callMode).toBe('AGENT_ASSISTED');

    for (const stayOn of [true, false]) {
      const removed = await call(h, 'POST', '/v1/payments', {
        body: { ...validPayment('A-removed'), threeWay: stayOn },
        idempotencyKey: `create-A-removed-${stayOn}`,
      });
      expect(removed.status).toBe(400);
      expect(removed.headers.get('content-type')).toContain('application/problem+json');
      expect(String(removed.body.detail)).toMatch(/three-?way.*removed.*every call recorder hear the keypad tones/i);
      expect(String(removed.body.detail)).toContain('callMode: "AGENT_ASSISTED"');
      expect(removed.body.errors).toEqual([{ in: 'body', field: 'threeWay', message: removed.body.detail }]);
    }
    const bad = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('A-bad-mode'), callMode: 'CONFERENCE' },
      idempotencyKey: 'create-A-bad-mode',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'callMode' })]);
  });

  it('replays the first answer for the same Idempotency-Key and body, and refuses a different body with 409', async () => {
    const first = await call(h, 'POST', '/v1/payments', { body: validPayment('A-2'), idempotencyKey: 'create-A-2' });
    const again = await call(h, 'POST', '/v1/payments', { body: validPayment('A-2'), idempotencyKey: 'create-A-2' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    const other = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('A-2'), amount: 1 },
      idempotencyKey: 'create-A-2',
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      type: '/problems/idempotency-key-reused',
      errors: [{ in: 'header', field: 'Idempotency-Key' }],
    });
  });

  it('gives concurrent requests with one key one payment', async () => {
    const replies = await Promise.all(
      [1, 2, 3, 4].map(() =>
        call(h, 'POST', '/v1/payments', { body: validPayment('A-3'), idempotencyKey: 'create-A-3' }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.paymentId)).size).toBe(1);
    const list = await call(h, 'GET', '/v1/payments?orderId=A-3');
    expect((list.body.data as unknown[]).length).toBe(1);
  });

  it.each([
    ['malformed JSON', { raw: '{"orderId": ' }, '/problems/malformed-json', '(body)'],
    ['an unknown field', { body: { ...validPayment('B'), pan: '4242424242424242' } }, '/problems/validation', 'pan'],
    ['a wrong type', { body: { ...validPayment('B'), amount: '100' } }, '/problems/validation', 'amount'],
    ['a missing field', { body: { ...validPayment('B'), currency: undefined } }, '/problems/validation', 'currency'],
    ['a bad enum', { body: { ...validPayment('B'), mode: 'STEAL' } }, '/problems/validation', 'mode'],
    [
      'a bad metadata value',
      { body: { ...validPayment('B'), metadata: { note: 5 } } },
      '/problems/validation',
      'metadata.note',
    ],
    [
      'zero amount outside REGISTER_CARD',
      { body: { ...validPayment('B'), amount: 0 } },
      '/problems/validation',
      'amount',
    ],
  ])('answers %s with 400 naming the field, and records nothing', async (_what, opts, type, field) => {
    const r = await call(h, 'POST', '/v1/payments', { ...opts, idempotencyKey: `bad-${field}-${type}` });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ type, status: 400 });
    expect((r.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect(JSON.stringify(r.body)).not.toContain('4242424242424242');
    const list = await call(h, 'GET', '/v1/payments?orderId=B');
    expect(list.body.data).toEqual([]);
  });

  it('requires an Idempotency-Key on POST, JSON bodies, and bodies under 64 KiB', async () => {
    const noKey = await call(h, 'POST', '/v1/payments', { body: validPayment('C') });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors).toEqual([{ in: 'header', field: 'Idempotency-Key', message: 'is required' }]);
    const text = await call(h, 'POST', '/v1/payments', {
      raw: 'orderId=C',
      contentType: 'text/plain',
      idempotencyKey: 'c-text-1',
    });
    expect(text.status).toBe(415);
    const huge = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('C'), description: 'x'.repeat(100_000) },
      idempotencyKey: 'c-huge-1',
    });
    expect(huge.status).toBe(413);
    expect(huge.body.type).toBe('/problems/payload-too-large');
  });

  it('refuses U+0000 in any string with 400 naming the field (PostgreSQL cannot store it; fuzzing found a 500)', async () => {
    const payment = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('NUL'), description: 'a\u0000b' },
      idempotencyKey: 'nul-1-aaaa',
    });
    expect(payment.status).toBe(400);
    expect(payment.body.errors).toEqual([{ in: 'body', field: 'description', message: 'must not contain U+0000' }]);
    const apiKey = await call(h, 'POST', '/v1/api-keys', {
      body: { name: ': \u0000', scopes: ['payments:read'] },
      idempotencyKey: 'nul-2-aaaa',
    });
    expect(apiKey.status).toBe(400);
    expect((await call(h, 'GET', '/v1/payments?orderId=a%00b')).status).toBe(400);
  });

  it('answers 401 without a valid key, 403 without the scope, 404 across order systems', async () => {
    expect((await call(h, 'GET', '/v1/payments', { key: null })).status).toBe(401);
    expect((await call(h, 'GET', '/v1/payments', { key: 'olk_nothere12.abcdefghijklmnopqrstuvwxyz' })).status).toBe(
      401,
    );
    const readOnly = await h.core.apiKeys.issue('shop', 'reader', ['payments:read'], 'test');
    const denied = await call(h, 'POST', '/v1/payments', {
      key: readOnly.key,
      body: validPayment('D'),
      idempotencyKey: 'd-1-aaaa',
    });
    expect(denied.status).toBe(403);
    const mine = await call(h, 'POST', '/v1/payments', { body: validPayment('D'), idempotencyKey: 'd-2-aaaa' });
    const stranger = await h.core.apiKeys.issue('other-shop', 'x', ['payments:read'], 'test');
    const peek = await call(h, 'GET', `/v1/payments/${mine.body.paymentId}`, { key: stranger.key });
    expect(peek.status).toBe(404);
  });

  it('answers concurrent reads of one payment, each audited (fuzzing found a 500 on the audit stream race)', async () => {
    const created = await call(h, 'POST', '/v1/payments', {
      body: validPayment('RACE'),
      idempotencyKey: 'race-1-aaaa',
    });
    const reads = await Promise.all(
      Array.from({ length: 8 }, () => call(h, 'GET', `/v1/payments/${created.body.paymentId}`)),
    );
    expect(reads.map((r) => r.status)).toEqual(Array(8).fill(200));
    const audit = await h.core.store.readStream(`payment-audit-${created.body.paymentId}`);
    expect(audit.filter((e) => e.type === 'PaymentViewed').length).toBeGreaterThanOrEqual(8);
  });

  it('gets, finds by order id, and answers 404 for unknown ids', async () => {
    const created = await call(h, 'POST', '/v1/payments', { body: validPayment('E-1'), idempotencyKey: 'e-1-aaaa' });
    const got = await call(h, 'GET', `/v1/payments/${created.body.paymentId}`);
    expect(got.body).toEqual(created.body);
    const found = await call(h, 'GET', '/v1/orders/E-1/payment');
    expect(found.body.paymentId).toBe(created.body.paymentId);
    expect((await call(h, 'GET', '/v1/payments/pay_00000000000000000000000000')).status).toBe(404);
    expect((await call(h, 'GET', '/v1/payments/not-an-id')).status).toBe(400);
    expect((await call(h, 'GET', '/v1/orders/nothing/payment')).status).toBe(404);
    expect((await call(h, 'GET', '/v1/nowhere')).status).toBe(404);
  });

  it('lists newest first with a cursor and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      h.clock.advance(1000);
      const r = await call(h, 'POST', '/v1/payments', { body: validPayment(`F-${i}`), idempotencyKey: `f-${i}-aaaa` });
      ids.push(String(r.body.paymentId));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/payments?limit=2&createdFrom=${encodeURIComponent('2026-03-01T09:00:00.500Z')}${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call(h, 'GET', q);
      expect(page.status).toBe(200);
      seen.push(...(page.body.data as { paymentId: string }[]).map((p) => p.paymentId));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await call(h, 'GET', '/v1/payments?limit=500')).status).toBe(400);
    expect((await call(h, 'GET', '/v1/payments?cursor=garbage')).body.errors).toEqual([
      { in: 'query', field: 'cursor', message: 'unknown cursor' },
    ]);
    expect((await call(h, 'GET', '/v1/payments?colour=red')).status).toBe(400);
  });

  it('cancels before the transfer, idempotently, and records who did it', async () => {
    const created = await call(h, 'POST', '/v1/payments', { body: validPayment('G-1'), idempotencyKey: 'g-1-aaaa' });
    const id = String(created.body.paymentId);
    const cancelled = await call(h, 'POST', `/v1/payments/${id}/cancel`, {
      body: { reason: 'changed mind' },
      idempotencyKey: 'g-c-aaaa',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', outcome: { reason: 'changed mind' } });
    const again = await call(h, 'POST', `/v1/payments/${id}/cancel`, {
      body: { reason: 'changed mind' },
      idempotencyKey: 'g-c-aaaa',
    });
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    const events = await h.core.store.readStream(id);
    expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentCancelled']);
    expect(events[1]!.metadata.actor).toMatch(/^api_key:/);
    const audit = await h.core.store.readStream(`payment-audit-${id}`);
    expect(audit.length).toBe(0); // cancel is not a read
    await call(h, 'GET', `/v1/payments/${id}`);
    const afterRead = await h.core.store.readStream(`payment-audit-${id}`);
    expect(afterRead.map((e) => e.type)).toEqual(['PaymentViewed']);
  });

  it('manages API keys: shown once, hashed, revocable', async () => {
    const created = await call(h, 'POST', '/v1/api-keys', {
      body: { name: 'ci', scopes: ['payments:read'] },
      idempotencyKey: 'k-1-aaaa',
    });
    expect(created.status).toBe(201);
    const key = String(created.body.key);
    expect((await call(h, 'GET', '/v1/payments', { key })).status).toBe(200);
    const listed = await call(h, 'GET', '/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key.split('.')[1]);
    const { rows } = await h.pool.query(`select secret_sha256 from "${h.schema}".api_keys where key_id = $1`, [
      created.body.keyId,
    ]);
    expect(rows[0].secret_sha256.toString('utf8')).not.toContain(key.split('.')[1]);
    const escalate = await call(h, 'POST', '/v1/api-keys', {
      key,
      body: { name: 'x', scopes: ['payments:write'] },
      idempotencyKey: 'k-2-aaaa',
    });
    expect(escalate.status).toBe(403);
    expect((await call(h, 'DELETE', `/v1/api-keys/${created.body.keyId}`)).body.revokedAt).not.toBeNull();
    expect((await call(h, 'GET', '/v1/payments', { key })).status).toBe(401);
  });

  it('serves the OpenAPI document and an offline reference page', async () => {
    const doc = await call(h, 'GET', '/v1/openapi.json', { key: null });
    expect(doc.body.openapi).toBe('3.1.0');
    const page = await fetch(`${h.base}/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('POST</span> <code>/v1/payments</code>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });
});
