/** An in-process authorization service on real PostgreSQL and the PSP simulator, for integration tests. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import {
  type AbandonAuthorizationRequest,
  type AbandonAuthorizationResponse,
  AuthorizationServiceClient,
  type AuthorizeRequest,
  type AuthorizeResponse,
  type CaptureRequest,
  type CaptureResponse,
  type GetAuthorizationRequest,
  type GetAuthorizationResponse,
  type RefundRequest,
  type RefundResponse,
  type VoidRequest,
  type VoidResponse,
} from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { createPgPool, EventStore, migrate } from '@ivr/eventstore';
import { loadTls } from '@ivr/grpc';
import { createLogger } from '@ivr/logging';
import type { PspAccount, PspEndpoints } from '@ivr/psp';
import { createTestCardToken, startPspSimulator } from '@ivr/psp-simulator';
import { certsDir, clientCredentials } from '@ivr/testkit/certificates';
import type { Pool } from 'pg';
import { authorizationService } from '../src/adapters/grpc/authorization-service';
import { type RunningGrpcServer, startGrpcServer } from '../src/adapters/grpc/server';
import { AuthorizationRepository } from '../src/adapters/pg/authorization-repository';
import { DefaultAccountOnly, Gateways, type PspAccountSource } from '../src/adapters/psp/gateways';
import { Authorizations } from '../src/app/authorizations';

export const MIGRATIONS = join(__dirname, '..', 'migrations');

export interface HarnessOptions {
  pspTimeoutMs?: number;
  retries?: number;
  breakerFailures?: number;
  breakerOpenMs?: number;
  topic?: string;
  /** Use this simulator (or any PSP with the simulators' /_sim controls) instead of starting one. */
  simulator?: SimulatorLike;
  /** Send PSP calls here instead of the simulator (stripe-mock). */
  pspBaseUrl?: string;
  /** The default account (another gateway than the simulator's Stripe API, e.g. the GMO-PG simulator's). */
  account?: PspAccount;
  /** Where the accounts come from (merchant accounts); the default account only when absent. */
  accounts?: PspAccountSource;
  /** Each gateway's API (merchant accounts of another provider than the default's). */
  endpoints?: PspEndpoints;
}

/** A PSP a test started: its base URL (the /_sim controls are under it). */
export interface SimulatorLike {
  url: string;
  close(): Promise<void>;
}

export interface Harness {
  pool: Pool;
  schema: string;
  sim: SimulatorLike;
  authorizations: Authorizations;
  client: AuthorizationServiceClient;
  /** Builds the service objects again on the same database and simulator: a restart, in-process. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const databaseUrl = process.env.IVR_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('IVR_TEST_DATABASE_URL is not set: run make up-infra');
  const schema = `authz_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = createPgPool(databaseUrl, { applicationName: 'authorization-test', max: 20 });
  await migrate(pool, { schema, dir: MIGRATIONS });
  const store = new EventStore(pool, { schema });
  const sim: SimulatorLike = options.simulator ?? (await startPspSimulator({ port: 0 }));
  const logger = createLogger({ service: 'authorization-test' });

  const build = () => {
    const url = options.pspBaseUrl ?? sim.url;
    const account: PspAccount = options.account ?? {
      id: 'default',
      provider: 'stripe',
      apiKey: 'sk_test_authorization',
    };
    const gateways = new Gateways({
      accounts: options.accounts ?? new DefaultAccountOnly(account),
      gateway: {
        endpoints: {
          simulator: url,
          stripe: url,
          ...(options.account?.provider === 'gmo-pg' ? { 'gmo-pg': url } : {}),
          ...options.endpoints,
        },
        timeoutMs: options.pspTimeoutMs ?? 2000,
        stripeIdempotencyRetentionMs: 3_600_000,
      },
      breaker: { failureThreshold: options.breakerFailures ?? 50, openMs: options.breakerOpenMs ?? 1000 },
      retry: { retries: options.retries ?? 2, retryDelayMs: 10 },
    });
    return new Authorizations({
      repository: new AuthorizationRepository(store, options.topic ?? 'test.authorizations.unused'),
      gateways,
      now: () => new Date(),
    });
  };

  let authorizations = build();
  // The gRPC server calls through this indirection so that restart() swaps what is behind it.
  const facade = new Proxy({} as Authorizations, {
    get: (_target, key: keyof Authorizations) => {
      const value = authorizations[key];
      return typeof value === 'function' ? value.bind(authorizations) : value;
    },
  });
  // Mutual TLS as deployed: the server's certificate of scripts/certs.sh, call-control's as the client.
  const grpc: RunningGrpcServer = await startGrpcServer('127.0.0.1:0', authorizationService(facade, logger), {
    logger,
    tls: loadTls(certsDir(), 'authorization'),
    allowedClients: ['call-control'],
  });
  const client = new AuthorizationServiceClient(`127.0.0.1:${grpc.port}`, clientCredentials('call-control'));

  return {
    pool,
    schema,
    sim,
    get authorizations() {
      return authorizations;
    },
    client,
    async restart() {
      authorizations = build();
    },
    async close() {
      client.close();
      await grpc.stop(1000);
      if (!options.simulator) await sim.close();
      await pool.query(`drop schema "${schema}" cascade`).catch(() => {});
      await pool.end();
    },
  };
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

type Unary<Req, Res> = (request: Req, callback: (error: ServiceError | null, response: Res) => void) => unknown;

/** A gRPC call as a promise that never rejects: the status is part of the result. */
export function call<Req, Res>(method: Unary<Req, Res>, client: AuthorizationServiceClient, request: Req) {
  return new Promise<CallResult<Res>>((resolve) => {
    method.call(client, request, (error, response) =>
      resolve(error ? { ok: false, error } : { ok: true, value: response }),
    );
  });
}

export const grpcApi = (client: AuthorizationServiceClient) => ({
  authorize: (r: AuthorizeRequest) => call<AuthorizeRequest, AuthorizeResponse>(client.authorize, client, r),
  capture: (r: Partial<CaptureRequest> & { paymentId: string }) =>
    call<CaptureRequest, CaptureResponse>(client.capture, client, {
      correlationId: '',
      operationId: '',
      notFinal: false,
      ...r,
    }),
  void: (r: Partial<VoidRequest> & { paymentId: string }) =>
    call<VoidRequest, VoidResponse>(client.void, client, { correlationId: '', operationId: '', ...r }),
  refund: (r: Partial<RefundRequest> & { paymentId: string; operationId: string }) =>
    call<RefundRequest, RefundResponse>(client.refund, client, { correlationId: '', ...r }),
  get: (r: GetAuthorizationRequest) =>
    call<GetAuthorizationRequest, GetAuthorizationResponse>(client.getAuthorization, client, r),
  abandon: (r: AbandonAuthorizationRequest) =>
    call<AbandonAuthorizationRequest, AbandonAuthorizationResponse>(client.abandonAuthorization, client, r),
});

/** A fresh card token at the simulator (an unattached payment method can be charged once). */
export function cardToken(sim: { url: string }, number: string) {
  return createTestCardToken(sim.url, number, { apiKey: 'sk_test_authorization' });
}

export function authorizeRequest(
  paymentId: string,
  card: AuthorizeRequest['card'],
  over: Partial<AuthorizeRequest> = {},
): AuthorizeRequest {
  return {
    paymentId,
    card,
    amount: { minorUnits: 1200, currency: 'JPY' },
    mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
    orderReference: `order-${paymentId}`,
    customerReference: '',
    correlationId: '',
    pspAccountId: '',
    ...over,
  };
}

export const newPaymentId = () => `pay_${randomUUID().slice(0, 13)}`;

export async function setFault(sim: { url: string }, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  if (res.status !== 201) throw new Error(`fault not set: ${await res.text()}`);
}

export async function clearFaults(sim: { url: string }): Promise<void> {
  await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
}

export interface Charges {
  total: number;
  byIdempotencyKey: Record<string, number>;
  byPaymentId: Record<string, number>;
  charges: { moto: boolean; paymentId: string | null }[];
}

export async function charges(sim: { url: string }): Promise<Charges> {
  return (await (await fetch(`${sim.url}/_sim/charges`)).json()) as Charges;
}
