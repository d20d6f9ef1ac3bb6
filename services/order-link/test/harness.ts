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
import type { ConsoleApiDeps } from '../src/adapters/http/console/router';
import { buildConsoleDeps } from '../src/adapters/http/console/wire';
import { createEntryApp } from '../src/adapters/http/entry';
import { createHttpApp, type RestRateLimits } from '../src/adapters/http/server';
import type { Clock } from '../src/app/ports';
import { base32Decode, totp } from '../src/operators/totp';
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
  /** Runs `f` first when the harness closes (servers a test started on it). */
  onClose(f: () => unknown): void;
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
    // Nothing answers captures here unless a test plays authorization: a short wait, then 202.
    settleWaitMs: 600,
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
    ['payments:read', 'payments:write', 'payments:refund', 'api_keys:manage', 'webhooks:manage', 'psp_accounts:manage'],
    'test',
  );
  const closing: (() => unknown)[] = [];
  return {
    pool,
    schema,
    core,
    clock,
    base: `http://127.0.0.1:${port}`,
    key,
    onClose: (f) => closing.push(f),
    async close() {
      for (const f of closing.reverse()) await f();
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
    {
      payments: h.core.paymentsApp,
      operations: h.core.operations,
      keys: h.core.keyRepository,
      pspAccounts: h.core.pspAccounts,
    },
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

/** A key for the operators' TOTP secrets in tests (@ivr/secret-box format). */
export const TEST_TOTP_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

/** The console's settings as a test runs it: its defaults, plain http allowed, and `env` on top. */
export const consoleSettings = (env: Record<string, string> = {}) =>
  loadConsoleConfig({
    OPERATOR_TOKEN_SECRET: 'test-operator-token-secret',
    OPERATOR_TOTP_KEYS: TEST_TOTP_KEYS,
    CONSOLE_ALLOW_PLAIN_HTTP: 'true',
    ...env,
  });

/**
 * Signs in to the console over HTTP as the browser does; an admin or supervisor without a second
 * factor enrols one on the way (the code computed from the secret the answer shows, at `now`: the
 * server's clock). Answers the
 * cookie (`name=value`) and the CSRF token of the session.
 */
export async function consoleSignIn(
  origin: string,
  username: string,
  password: string,
  now = new Date(),
): Promise<{ cookie: string; csrf: string; totpSecret?: string }> {
  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${origin}/console/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...headers },
      body: JSON.stringify(body),
    });
  const first = await post('/session', { username, password });
  const answer = (await first.json()) as { csrfToken: string; enrolment?: { secret: string } };
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (first.status === 201) return { cookie: cookieOf(first), csrf: answer.csrfToken };
  if (first.status !== 200 || !answer.enrolment) throw new Error(`sign-in answered ${first.status}`);
  const secret = answer.enrolment.secret;
  const confirmed = await post(
    '/session/totp',
    { code: totp(base32Decode(secret)!, now) },
    { cookie: cookieOf(first), 'x-csrf-token': answer.csrfToken },
  );
  if (confirmed.status !== 201) throw new Error(`enrolment answered ${confirmed.status}: ${await confirmed.text()}`);
  return {
    cookie: cookieOf(confirmed),
    csrf: ((await confirmed.json()) as { csrfToken: string }).csrfToken,
    totpSecret: secret,
  };
}

const silent = { warn: () => undefined, error: () => undefined };

/**
 * order-link's one HTTP port as main.ts builds it (adapters/http/entry.ts: trusted proxies, HSTS, the
 * console, the REST API) on the harness's core, with the console's settings of `env`, on a fresh
 * port; stopped when the harness closes. Answers its base URL and the console's dependencies.
 */
export async function serveEntry(
  h: Harness,
  o: {
    env?: Record<string, string>;
    trustedProxies?: string[];
    hstsMaxAgeSeconds?: number;
    rateLimits?: RestRateLimits;
  } = {},
): Promise<{ base: string; deps: ConsoleApiDeps }> {
  const { deps, stop } = buildConsoleDeps(h.core, h.pool, h.schema, consoleSettings(o.env), silent);
  const api = createHttpApp({
    ...h.core.routeDeps,
    keyRepository: h.core.keyRepository,
    logger: silent,
    ...(o.rateLimits ? { rateLimits: o.rateLimits } : {}),
  });
  const app = createEntryApp({
    api,
    console: { deps, assetsDir: '/nonexistent' },
    trustedProxies: o.trustedProxies ?? [],
    hstsMaxAgeSeconds: o.hstsMaxAgeSeconds ?? 0,
  });
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  h.onClose(async () => {
    stop();
    await new Promise((r) => server.close(r));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deps };
}
