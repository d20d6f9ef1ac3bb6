/**
 * The whole product for e2e tests with real phones: the PSP simulator and the GMO-PG simulator (in this
 * process; the order system's payments go to the first, or to the second after `useGmoPg()`), dtmf-vault,
 * authorization, notification, order-link and call-control as real processes (their built bundles,
 * free ports, unique consumer groups), an API key for a fresh order system, and Kafka watchers of
 * the call and payment-completed topics.
 *
 *   const system = await PaymentSystem.start();
 *   const payment = await system.createPayment({ amount: 12345, currency: 'JPY', returnSipAddress });
 *   await phone.dial(system.ivrUri(payment.transferCode));
 *
 * `PaymentSystem.start(env, { replicas: 2 })` runs every service twice, as Kubernetes' replicas
 * (docs/runbook.md, "Scaling"): the first of each under the service's name, the others as `<name>-2`…
 * (`replicas(name)`), each with its own ports (the vault's RTP range split between them), the
 * consumer groups of the work shared, the per-process ones apart. call-control knows every vault
 * (VAULT_GRPC_ADDRESS), and reaches authorization and order-link, as the vault and authorization reach
 * order-link, through a target of all their addresses (`ipv4:a,b`); the API and the SIP side are
 * spread by the caller: `api` and `nextSipPort()` take the running replicas in turn, as a Service and an
 * SBC would.
 */
import { randomUUID } from 'node:crypto';
import { type CallMode, type EventEnvelope, type Language, type PaymentMode, Topics } from '@ivr/contracts';
import { DEFAULT_SHOP, DEFAULT_SITE, type GmoPgSimulator, startGmoPgSimulator } from '@ivr/gmo-pg-simulator';
import { issueApiKey } from '@ivr/order-link/api-keys';
import { type PspSimulator, startPspSimulator } from '@ivr/psp-simulator';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { startGroupsAtEnd } from './kafka-groups';
import { OperatorScreen } from './operator-screen';
import { freePort } from './ports';
import { ServiceProcess, waitUntil } from './service-process';

export type ServiceName = 'dtmf-vault' | 'authorization' | 'notification' | 'order-link' | 'call-control';
export const SERVICE_NAMES: readonly ServiceName[] = [
  'call-control',
  'dtmf-vault',
  'authorization',
  'order-link',
  'notification',
];

export interface SystemOptions {
  /** Processes of each service (default 1). */
  replicas?: number;
}

/** The first replica of a service goes by its name, the others by `<name>-2`, `<name>-3`… */
export const instanceName = (name: ServiceName, replica: number): string =>
  replica === 0 ? name : `${name}-${replica + 1}`;

export interface CreatedPayment {
  paymentId: string;
  orderId: string;
  transferCode: string;
}

export interface PaymentRequest {
  amount?: number;
  currency?: string;
  mode?: PaymentMode;
  language?: Language;
  returnSipAddress: string;
  callMode?: CallMode;
  /** The operator who follows the payment (`metadata.operatorId`): their live screen gets its progress. */
  operatorId?: string;
}

/** Records every envelope of some topics, from the beginning, for tests to wait on. */
export class TopicWatcher {
  readonly seen: Array<EventEnvelope & { topic: string; key: string }> = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: string[], groupId: string): Promise<TopicWatcher> {
    const consumer = kafka.consumer({ groupId });
    const watcher = new TopicWatcher(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        try {
          const e = JSON.parse(String(message.value)) as EventEnvelope;
          watcher.seen.push({ ...e, topic, key: String(message.key) });
        } catch {
          // not an envelope: not ours to judge here
        }
      },
    });
    return watcher;
  }

  find(predicate: (e: EventEnvelope & { topic: string }) => boolean): EventEnvelope | undefined {
    return this.seen.find(predicate);
  }

  async waitFor(
    what: string,
    predicate: (e: EventEnvelope & { topic: string }) => boolean,
    timeoutMs = 30_000,
  ): Promise<EventEnvelope> {
    await waitUntil(what, () => this.find(predicate) !== undefined, timeoutMs);
    return this.find(predicate) as EventEnvelope;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

const payloadOf = (e: EventEnvelope) => e.payload as Record<string, unknown>;

export class PaymentSystem {
  readonly run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  readonly startedAt = new Date();
  readonly kafka = new Kafka({
    clientId: `e2e-calls-${this.run}`,
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
    // The watchers keep trying through a Kafka restart (the chaos run restarts it) rather than stop.
    retry: { retries: 100, initialRetryTime: 300, maxRetryTime: 5000 },
  });
  readonly services = new Map<string, ServiceProcess>();
  psp!: PspSimulator;
  gmoPg!: GmoPgSimulator;
  /** call-control's SIP port (its first replica's). */
  sipPort = 0;
  /** Every call-control replica's SIP port, in replica order. */
  sipPorts: number[] = [];
  private apis: string[] = [];
  private turns = { api: 0, sip: 0 };
  /** notification's HTTP server: the operators' live stream (OperatorScreen) and its internal API. */
  notificationUrl = '';
  apiKey = '';
  watcher!: TopicWatcher;
  private readonly orderlinkDb = new Pool({ connectionString: process.env.ORDERLINK_DATABASE_URL });
  private get authorizationSchema(): string {
    return `authorization_calls_${this.run}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  }

  /**
   * Starts every service; `envOf` overrides a service's settings, e.g.
   * `{ 'call-control': { RETURN_FALLBACK_URI }, 'dtmf-vault': { RTP_PORT_MIN, RTP_PORT_MAX } }`.
   */
  static async start(
    envOf: Partial<Record<ServiceName, Record<string, string>>> = {},
    options: SystemOptions = {},
  ): Promise<PaymentSystem> {
    const s = new PaymentSystem(options.replicas ?? 1);
    try {
      await s.boot(envOf);
    } catch (err) {
      await s.stop().catch(() => {});
      throw err;
    }
    return s;
  }

  constructor(readonly replicaCount = 1) {}

  service(name: string): ServiceProcess {
    const p = this.services.get(name);
    if (!p) throw new Error(`${name} is not running`);
    return p;
  }

  /** Every replica of a service, the first one first. */
  replicas(name: ServiceName): ServiceProcess[] {
    return Array.from({ length: this.replicaCount }, (_, r) => this.service(instanceName(name, r)));
  }

  /** Every process of the system by its instance name (`call-control`, `call-control-2`, …). */
  instances(): string[] {
    return SERVICE_NAMES.flatMap((name) => Array.from({ length: this.replicaCount }, (_, r) => instanceName(name, r)));
  }

  /** order-link's REST API: the next running replica's, in turn (one replica: always its own). */
  get api(): string {
    return this.nextOf(this.apis, 'order-link', 'api');
  }

  /** Where the next call goes: the next running call-control replica's SIP port, as an SBC spreads INVITEs. */
  nextSipPort(): number {
    return Number(this.nextOf(this.sipPorts.map(String), 'call-control', 'sip'));
  }

  private nextOf<T>(values: T[], name: ServiceName, turn: keyof PaymentSystem['turns']): T {
    if (values.length <= 1) return values[0] as T;
    for (let i = 0; i < values.length; i++) {
      const r = this.turns[turn]++ % values.length;
      if (this.services.get(instanceName(name, r))?.alive) return values[r] as T;
    }
    return values[this.turns[turn]++ % values.length] as T;
  }

  private async boot(envOf: Partial<Record<ServiceName, Record<string, string>>>): Promise<void> {
    this.watcher = await TopicWatcher.start(
      this.kafka,
      // callEvent() waits on the live capture progress too (each key); callEvents() are the stored ones.
      [
        Topics.calls,
        Topics.callProgress,
        Topics.paymentCompleted,
        Topics.paymentLifecycle,
        Topics.payments,
        Topics.authorizations,
      ],
      `e2e-calls-watch-${this.run}`,
    );
    this.psp = await startPspSimulator({ port: 0 });
    this.gmoPg = await startGmoPgSimulator({ port: 0 });
    const n = this.replicaCount;
    const ports = async () => {
      const list: number[] = [];
      for (let r = 0; r < n; r++) list.push(await freePort());
      return list;
    };
    const rtpBase = 20_000 + Math.floor(Math.random() * 200) * 100;
    const vaultGrpc = await ports();
    const authorizationGrpc = await ports();
    const orderLinkGrpc = await ports();
    const notificationHttp = await ports();
    const orderLinkHttp = await ports();
    this.sipPorts = await ports();
    this.sipPort = this.sipPorts[0] as number;
    const addresses = (list: number[]) => list.map((p) => `127.0.0.1:${p}`).join(',');
    // A gRPC target of every replica: one address as it is, several as grpc-js's ipv4: list.
    const target = (list: number[]) => (list.length === 1 ? addresses(list) : `ipv4:${addresses(list)}`);
    // Tracked before it is ready, so that a failed start stops every process it began.
    const start = async (name: ServiceName, r: number, env: Record<string, string>) => {
      const all = { ...env, ...envOf[name] };
      const instance = instanceName(name, r);
      const service = await ServiceProcess.prepare(name, { env: { ...all, ...splitRtpRange(all, r, n) }, instance });
      this.services.set(instance, service);
      await service.spawn();
    };
    const each = (name: ServiceName, env: (r: number) => Record<string, string>) =>
      Promise.all(Array.from({ length: n }, (_, r) => start(name, r, env(r))));
    const groups = {
      notification: `notification-calls-${this.run}`,
      notificationLive: `notification-live-calls-${this.run}`,
      processManager: `order-link-pm-calls-${this.run}`,
      // Captures, voids and refunds to send: this system's authorization alone (its PSP simulators).
      authorizationRequests: `authorization-requests-calls-${this.run}`,
    };
    // The live stream's group is one per process (each serves its own screens); the others are shared.
    const liveGroup = (r: number) => (r === 0 ? groups.notificationLive : `${groups.notificationLive}-${r + 1}`);
    await startGroupsAtEnd(this.kafka, [
      groups.notification,
      groups.processManager,
      groups.authorizationRequests,
      ...Array.from({ length: n }, (_, r) => liveGroup(r)),
    ]);
    await Promise.all([
      each('dtmf-vault', (r) => ({
        GRPC_PORT: String(vaultGrpc[r]),
        GRPC_HOST: '127.0.0.1',
        RTP_PORT_MIN: String(rtpBase),
        RTP_PORT_MAX: String(rtpBase + 99),
        PSP_URL: this.psp.url,
        GMO_PG_API_URL: this.gmoPg.url,
        PSP_ACCOUNTS_GRPC_ADDRESS: target(orderLinkGrpc),
      })),
      each('authorization', (r) => ({
        GRPC_PORT: String(authorizationGrpc[r]),
        CONSUMER_GROUP: groups.authorizationRequests,
        // Its own schema: an authorization of another system on the shared database and broker (another
        // checkout's run) then does not know this system's payments, and leaves their captures alone.
        AUTHORIZATION_DB_SCHEMA: this.authorizationSchema,
        PSP_URL: this.psp.url,
        GMO_PG_API_URL: this.gmoPg.url,
        PSP_ACCOUNTS_GRPC_ADDRESS: target(orderLinkGrpc),
      })),
      each('notification', (r) => ({
        HTTP_PORT: String(notificationHttp[r]),
        CONSUMER_GROUP: groups.notification,
        LIVE_CONSUMER_GROUP: liveGroup(r),
        WEBHOOK_POLL_MS: '100',
      })),
    ]);
    await each('order-link', (r) => ({
      HTTP_PORT: String(orderLinkHttp[r]),
      GRPC_PORT: String(orderLinkGrpc[r]),
      NOTIFICATION_URL: `http://127.0.0.1:${notificationHttp[r]}`,
      PROCESS_MANAGER_GROUP: groups.processManager,
    }));
    await each('call-control', (r) => ({
      SIP_PORT: String(this.sipPorts[r]),
      VAULT_GRPC_ADDRESS: addresses(vaultGrpc),
      AUTHORIZATION_GRPC_ADDRESS: target(authorizationGrpc),
      ORDERLINK_GRPC_ADDRESS: target(orderLinkGrpc),
    }));
    this.apis = orderLinkHttp.map((p) => `http://127.0.0.1:${p}`);
    this.notificationUrl = `http://127.0.0.1:${notificationHttp[0]}`;
    this.apiKey = (
      await issueApiKey(this.orderlinkDb, {
        orderSystem: `e2e-calls-${this.run}`,
        name: 'e2e calls',
        scopes: ['payments:read', 'payments:write', 'payments:refund', 'webhooks:manage', 'psp_accounts:manage'],
        createdBy: 'e2e',
      })
    ).key;
  }

  /** One API request; a POST gets a fresh Idempotency-Key unless `idempotencyKey` is given (a retry). */
  async rest(
    method: string,
    path: string,
    body?: object,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const api = this.api;
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': idempotencyKey ?? randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    };
    // A kept-alive connection the server closed just as it was reused (a busy machine's timers fire late):
    // sent once more, which the Idempotency-Key makes safe for a POST.
    const res = await fetch(api + path, init)
      .catch((err: Error) => {
        const code = (err.cause as { code?: string } | undefined)?.code ?? '';
        if (!['ECONNRESET', 'UND_ERR_SOCKET'].includes(code)) throw err;
        return fetch(api + path, init);
      })
      .catch((err: Error) => {
        // No answer at all: say what state order-link was in, so that a failed run explains itself.
        const orderLink = this.services.get(instanceName('order-link', Math.max(0, this.apis.indexOf(api))));
        const state = orderLink?.alive ? 'running' : 'not running';
        const cause = err.cause instanceof Error ? err.cause.message : '';
        const tail = orderLink?.output().slice(-1500) ?? '';
        throw new Error(
          `${method} ${path} at ${api}: ${err.message} (${cause}); order-link is ${state}; it wrote last:\n${tail}`,
          {
            cause: err,
          },
        );
      });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  }

  /**
   * The order system's payments from now on go to the GMO-PG simulator's test shop and site: its own PSP
   * account, set through order-link's API as a merchant's administrator would (decision 0010).
   */
  async useGmoPg(): Promise<{ accountId: string }> {
    const { status, body } = await this.rest('POST', '/v1/psp-account', {
      provider: 'gmo-pg',
      credentials: { ...DEFAULT_SHOP, ...DEFAULT_SITE },
    });
    if (status !== 200) throw new Error(`PSP account not set: ${status} ${JSON.stringify(body)}`);
    return { accountId: String(body.accountId) };
  }

  async createPayment(r: PaymentRequest): Promise<CreatedPayment> {
    const { status, body, orderId } = await this.requestPayment(r);
    if (status !== 201) throw new Error(`payment not created: ${status} ${JSON.stringify(body)}`);
    return { paymentId: String(body.paymentId), orderId, transferCode: String(body.transferCode) };
  }

  /** POST /v1/payments once; the same `idempotencyKey` and `orderId` make a retry of an earlier request. */
  async requestPayment(
    r: PaymentRequest,
    idempotencyKey?: string,
    orderId = `CALL-${this.run}-${Math.floor(Math.random() * 1e9)}`,
  ): Promise<{ status: number; body: Record<string, unknown>; orderId: string }> {
    const res = await this.rest(
      'POST',
      '/v1/payments',
      {
        orderId,
        amount: r.amount ?? 12_345,
        currency: r.currency ?? 'JPY',
        mode: r.mode ?? 'CAPTURE',
        language: r.language ?? 'en',
        returnSipAddress: r.returnSipAddress,
        ...(r.callMode ? { callMode: r.callMode } : {}),
        ...(r.operatorId ? { metadata: { operatorId: r.operatorId } } : {}),
      },
      idempotencyKey,
    );
    return { ...res, orderId };
  }

  /** Successful charges at the PSP simulator for a payment (by metadata payment_id). */
  async charges(paymentId: string): Promise<number> {
    const res = await fetch(`${this.psp.url}/_sim/charges`);
    const body = (await res.json()) as { byPaymentId?: Record<string, number> };
    return body.byPaymentId?.[paymentId] ?? 0;
  }

  /** PSP simulator fault injection (see tools/psp-simulator/README.md). */
  async pspFault(rule: { mode: string; path?: string; latencyMs?: number } | 'clear'): Promise<void> {
    const res = await fetch(`${this.psp.url}/_sim/faults`, {
      method: rule === 'clear' ? 'DELETE' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(rule === 'clear' ? {} : { body: JSON.stringify(rule) }),
    });
    if (!res.ok) throw new Error(`PSP simulator fault ${JSON.stringify(rule)}: ${res.status}`);
  }

  /** The live screen of an operator (payments created with their `operatorId`): what the console is told. */
  operatorScreen(operatorId: string): Promise<OperatorScreen> {
    const secret = this.service('notification').env.OPERATOR_TOKEN_SECRET ?? '';
    return OperatorScreen.open(this.notificationUrl, secret, operatorId);
  }

  ivrUri(user: string): string {
    return `sip:${user}@127.0.0.1:${this.sipPort}`;
  }

  /** A call event of this payment (e.g. CallStepEntered with step CARD_NUMBER). */
  callEvent(paymentId: string, type: string, match: Record<string, unknown> = {}, timeoutMs = 30_000) {
    return this.watcher.waitFor(
      `${type} ${JSON.stringify(match)} of ${paymentId}`,
      (e) =>
        e.type === type &&
        payloadOf(e).paymentId === paymentId &&
        Object.entries(match).every(([k, v]) => payloadOf(e)[k] === v),
      timeoutMs,
    );
  }

  callEvents(paymentId: string): EventEnvelope[] {
    return this.watcher.seen.filter((e) => e.topic === Topics.calls && payloadOf(e).paymentId === paymentId);
  }

  paymentCompleted(paymentId: string, timeoutMs = 30_000) {
    return this.watcher.waitFor(
      `PaymentCompleted of ${paymentId}`,
      (e) => e.type === 'PaymentCompleted' && payloadOf(e).paymentId === paymentId,
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    for (const name of ['call-control', 'order-link', 'notification', 'authorization', 'dtmf-vault'] as const) {
      await Promise.all(
        Array.from({ length: this.replicaCount }, (_, r) => this.services.get(instanceName(name, r))?.stop()),
      );
    }
    await this.watcher?.stop();
    await this.psp?.close();
    await this.gmoPg?.close();
    await this.orderlinkDb.end();
    const authorizationDb = new Pool({ connectionString: process.env.AUTHORIZATION_DATABASE_URL });
    await authorizationDb.query(`drop schema if exists "${this.authorizationSchema}" cascade`).catch(() => undefined);
    await authorizationDb.end();
  }
}

/**
 * Replica `r` of `n` vaults takes its share of the RTP range the settings give (the whole of it when
 * there is one), an even number of ports each.
 */
export function splitRtpRange(env: Record<string, string>, r: number, n: number): Record<string, string> {
  if (n === 1 || env.RTP_PORT_MIN === undefined || env.RTP_PORT_MAX === undefined) return {};
  const min = Number(env.RTP_PORT_MIN);
  const size = Math.floor((Number(env.RTP_PORT_MAX) - min + 1) / n / 2) * 2;
  return { RTP_PORT_MIN: String(min + r * size), RTP_PORT_MAX: String(min + (r + 1) * size - 1) };
}
