/**
 * Card data must not enter through the APIs either (docs/security-audit.md, item 4): free text that
 * order systems (REST, gRPC) or operators (console) send is refused, naming the field, when it holds a
 * Luhn-valid 13–19 digit run, plain or grouped. Real PostgreSQL, real HTTP and gRPC.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata, status } from '@grpc/grpc-js';
import { Language, PaymentMode } from '@ivr/contracts/common/v1';
import {
  CallMode,
  type CreatePaymentRequest,
  type Payment,
  type PaymentServiceClient,
} from '@ivr/contracts/orderlink/v1';
import express from 'express';
import { APPROVED_TEST_PAN, PUBLISHED_TEST_PANS } from '../../../test/fixtures/test-cards';
import { type NotificationHttp, startNotificationHttp } from '../../notification/test/http-harness';
import { mountConsole } from '../src/adapters/http/console';
import { buildConsoleDeps } from '../src/adapters/http/console/wire';
import { call, consoleSettings, consoleSignIn, type Harness, startGrpc, startHarness, validPayment } from './harness';

const spaced = (pan: string) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');
const dashed = (pan: string) => pan.replace(/(\d{4})(?=\d)/g, '$1-');
const AMEX = PUBLISHED_TEST_PANS.find((p) => p.length === 15)!;

type Problem = { errors?: { in: string; field: string; message: string }[] };
const fields = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

describe('card numbers in free text are refused', () => {
  let n: NotificationHttp;
  let h: Harness;

  beforeAll(async () => {
    n = await startNotificationHttp('cardtxt_n');
    h = await startHarness('cardtxt', { baseUrl: n.base, token: n.token });
  });
  afterAll(async () => {
    await h.close();
    await n.close();
  });

  describe('REST', () => {
    const refused = async (path: string, body: object, field: string) => {
      const r = await call(h, 'POST', path, { body, idempotencyKey: `card-${Math.random()}` });
      expect({ status: r.status, fields: fields(r.body) }).toEqual({ status: 400, fields: [field] });
      expect(JSON.stringify(r.body)).not.toMatch(/\d{4}[ -]?\d{4}[ -]?\d{4}/);
      return r;
    };

    it('refuses a payment whose description or metadata holds a card number, and publishes nothing', async () => {
      await refused(
        '/v1/payments',
        { ...validPayment('ORD-CARD-1'), description: `card ${spaced(APPROVED_TEST_PAN)} exp 12/34` },
        'description',
      );
      await refused(
        '/v1/payments',
        { ...validPayment('ORD-CARD-2'), metadata: { note: dashed(APPROVED_TEST_PAN) } },
        'metadata.note',
      );
      await refused('/v1/payments', { ...validPayment('ORD-CARD-3'), metadata: { [AMEX]: 'x' } }, 'metadata');
      for (const orderId of ['ORD-CARD-1', 'ORD-CARD-2', 'ORD-CARD-3'])
        expect((await call(h, 'GET', `/v1/orders/${orderId}/payment`)).status).toBe(404);
      const { rows } = await h.pool.query(`select count(*)::int as n from "${h.schema}".outbox`);
      expect(rows[0].n).toBe(0);
    });

    it('accepts the same payment with harmless digits (dates, amounts, phone numbers)', async () => {
      const ok = await call(h, 'POST', '/v1/payments', {
        body: {
          ...validPayment('ORD-CARD-OK'),
          description: 'delivery 2026-03-01, call 03-1234-5678',
          metadata: { customer: 'C-000123' },
        },
        idempotencyKey: 'card-ok-1',
      });
      expect(ok.status).toBe(201);
    });

    it('refuses a card number in a cancellation reason, an API key name and a webhook endpoint', async () => {
      const made = await call(h, 'POST', '/v1/payments', {
        body: validPayment('ORD-CARD-CANCEL'),
        idempotencyKey: 'card-cancel-make',
      });
      await refused(`/v1/payments/${made.body.paymentId}/cancel`, { reason: `card ${APPROVED_TEST_PAN}` }, 'reason');
      await refused('/v1/api-keys', { name: spaced(APPROVED_TEST_PAN), scopes: ['payments:read'] }, 'name');
      await refused(
        '/v1/webhook-endpoints',
        { url: 'https://hooks.example.com/in', description: dashed(APPROVED_TEST_PAN) },
        'description',
      );
      await refused('/v1/webhook-endpoints', { url: `https://hooks.example.com/${APPROVED_TEST_PAN}` }, 'url');
    });
  });

  describe('gRPC', () => {
    let grpc: Awaited<ReturnType<typeof startGrpc>>;
    let client: PaymentServiceClient;
    const md = () => {
      const m = new Metadata();
      m.set('authorization', `Bearer ${h.key}`);
      return m;
    };
    const create = (req: Partial<CreatePaymentRequest>) =>
      new Promise<Payment>((resolve, reject) =>
        client.createPayment(
          {
            idempotencyKey: `grpc-card-${Math.random()}`,
            orderId: 'G-CARD-1',
            amount: { minorUnits: 5000, currency: 'JPY' },
            description: '',
            mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
            language: Language.LANGUAGE_EN,
            returnSipAddress: 'sip:op-3@pbx.example.com',
            callMode: CallMode.CALL_MODE_IVR_ONLY,
            metadata: {},
            ...req,
          },
          md(),
          (err, res) => (err ? reject(err) : resolve(res.payment!)),
        ),
      );

    beforeAll(async () => {
      grpc = await startGrpc(h);
      client = grpc.payments;
    });
    afterAll(() => grpc.stop());

    it('answers INVALID_ARGUMENT naming the field', async () => {
      await expect(create({ description: `card ${spaced(APPROVED_TEST_PAN)}` })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringContaining('description'),
      });
      await expect(create({ metadata: { note: dashed(APPROVED_TEST_PAN) } })).rejects.toMatchObject({
        code: status.INVALID_ARGUMENT,
        details: expect.stringContaining('metadata.note'),
      });
      const made = await create({ orderId: 'G-CARD-2' });
      await expect(
        new Promise((resolve, reject) =>
          client.cancelPayment({ paymentId: made.paymentId, reason: APPROVED_TEST_PAN }, md(), (err, res) =>
            err ? reject(err) : resolve(res),
          ),
        ),
      ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('reason') });
    });
  });

  describe('operator console', () => {
    let server: Server;
    let base: string;
    let origin: string;
    let cookie = '';
    let csrf = '';
    let stop: () => void;

    beforeAll(async () => {
      const settings = consoleSettings({ NOTIFICATION_URL: n.base });
      const silent = { warn: () => undefined, error: () => undefined };
      const built = buildConsoleDeps(h.core, h.pool, h.schema, settings, silent);
      stop = built.stop;
      await built.deps.operators.create(
        { actor: 'cli:test', role: 'cli' },
        {
          username: 'admin1',
          displayName: 'Admin',
          role: 'admin',
          team: null,
          sipAddress: 'sip:admin1@pbx.example.com',
        },
        'admin1-password-123',
      );
      const app = express();
      mountConsole(app, built.deps, '/nonexistent');
      server = await new Promise<Server>((r) => {
        const s = app.listen(0, '127.0.0.1', () => r(s));
      });
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      base = `${origin}/console/api`;
      ({ cookie, csrf } = await consoleSignIn(origin, 'admin1', 'admin1-password-123', h.clock.now()));
    });
    afterAll(async () => {
      stop();
      await new Promise((r) => server.close(r));
    });

    const post = async (path: string, body: object) => {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie, 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };

    it('refuses a payment, a webhook endpoint and an operator whose text holds a card number', async () => {
      const payment = await post('/payments', {
        orderId: 'CONSOLE-CARD-1',
        amount: 1200,
        currency: 'JPY',
        mode: 'CAPTURE',
        language: 'ja',
        description: `カード ${spaced(APPROVED_TEST_PAN)}`,
      });
      expect({ status: payment.status, fields: fields(payment.body) }).toEqual({
        status: 400,
        fields: ['description'],
      });
      const webhook = await post('/webhooks/shop', {
        url: 'https://hooks.example.com/in',
        description: dashed(APPROVED_TEST_PAN),
      });
      expect({ status: webhook.status, fields: fields(webhook.body) }).toEqual({
        status: 400,
        fields: ['description'],
      });
      const operator = await post('/operators', {
        username: 'op-card',
        displayName: AMEX,
        role: 'operator',
        password: 'op-card-password-123',
      });
      expect({ status: operator.status, fields: fields(operator.body) }).toEqual({
        status: 400,
        fields: ['displayName'],
      });
      const fine = await post('/payments', {
        orderId: 'CONSOLE-CARD-2',
        amount: 1200,
        currency: 'JPY',
        mode: 'CAPTURE',
        language: 'ja',
        description: '2026-03-01 delivery',
      });
      expect(fine.status).toBe(201);
    });
  });
});
