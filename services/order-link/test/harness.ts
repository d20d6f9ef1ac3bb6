import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PaymentServiceClient, TransferCodeServiceClient } from '@ivr/contracts/orderlink/v1';
import { createPgPool } from '@ivr/eventstore';
import { loadTls } from '@ivr/grpc';
import { certsDir, clientCredentials } from '@ivr/testkit/certificates';
import type { Pool } from 'pg';
import { startGrpcServer } from '../src/adapters/grpc/server';
import { loadConsoleConfig } from '../src/adapters/http/console/config';
import { createHttpApp } from '../src/adapters/http/server';
import type { Clock } from '../src/app/ports';
import { buildCore, type Core } from '../src/wiring';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public current = new Date('2026-03-01T09:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Harness {
  pool: Pool;
  schema: string;
  core: Core;
  clock: ManualClock;
  base: string;
  /** A key with every scope for order system `shop`. */
  key: string;
  close(): Promise<void>;
}

/** order-link's core on a fresh schema of the test database, with the REST API on a random port. */
/** A development keyring for merchants' PSP credentials (tests only). */
export const TEST_PSP_ACCOUNT_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;

export async function startHarness(
  prefix: string,
  notification?: { baseUrl: string; token: string },
  /** null: no keyring (merchants' PSP accounts disabled). */
  pspAccountKeys: string | null = TEST_PSP_ACCOUNT_KEYS,
): Promise<Harness> {
  const url = process.env.IVR_TEST_DATABASE_URL;
  if (!url) throw new Error('IVR_TEST_DATABASE_URL is not set: run `make up-infra` first');
  const pool = createPgPool(url, { applicationName: `test-${prefix}`, max: 10 });
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const clock = new ManualClock();
  const core = await buildCore({
    pool,
    schema,
    clock,
    ...(notification ? { notification } : {}),
    ...(pspAccountKeys ? { pspAccountKeys } : {}),
  });
  const app = createHttpApp({
    ...core.routeDeps,
    keyRepository: core.keyRepository,
    logger: { error: () => undefined },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const { key } = await core.apiKeys.issue(
    'shop',
    'test',
    ['payments:read', 'payments:write', 'api_keys:manage', 'webhooks:manage', 'psp_accounts:manage'],
    'test',
  );
  return {
    pool,
    schema,
    core,
    clock,
    base: `http://127.0.0.1:${port}`,
    key,
    async close() {
      await new Promise((r) => server.close(r));
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
}

export const validPayment = (orderId: string) => ({
  orderId,
  amount: 12345,
  currency: 'JPY',
  description: 'Two books',
  mode: 'CAPTURE',
  language: 'ja',
  returnSipAddress: 'sip:op-12@pbx.example.com',
});

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function call(
  h: Harness,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; key?: string | null; idempotencyKey?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? h.key}`;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(h.base + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : { text } };
}

/**
 * order-link's gRPC server on the harness, as deployed (mutual TLS, certificates of scripts/certs.sh),
 * with a PaymentService client of the `order-system` certificate and a TransferCodeService client of
 * call-control's.
 */
export async function startGrpc(h: Harness) {
  const server = await startGrpcServer(
    '127.0.0.1:0',
    { payments: h.core.paymentsApp, keys: h.core.keyRepository, pspAccounts: h.core.pspAccounts },
    {
      tls: loadTls(certsDir(), 'order-link'),
      transferCodeClients: ['call-control'],
      orderSystemClients: ['order-system'],
      pspAccountClients: ['authorization', 'dtmf-vault'],
      pspSiteOnlyClients: ['dtmf-vault'],
    },
  );
  const address = `127.0.0.1:${server.port}`;
  const payments = new PaymentServiceClient(address, clientCredentials('order-system'));
  const codes = new TransferCodeServiceClient(address, clientCredentials('call-control'));
  return {
    port: server.port,
    payments,
    codes,
    async stop() {
      payments.close();
      codes.close();
      await server.stop(100);
    },
  };
}

/** The console's settings as a test runs it: its defaults, plain http allowed, and `env` on top. */
export const consoleSettings = (env: Record<string, string> = {}) =>
  loadConsoleConfig({ OPERATOR_TOKEN_SECRET: 'test-operator-token-secret', CONSOLE_ALLOW_PLAIN_HTTP: 'true', ...env });
