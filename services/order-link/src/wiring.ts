import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { sleep } from '@ivr/backoff';
import { EventStore, migrate } from '@ivr/eventstore';
import { parseKeyring } from '@ivr/secret-box';
import type { Meter } from '@opentelemetry/api';
import type { Pool } from 'pg';
import { NotificationWebhooks } from './adapters/http/notification-webhooks';
import type { RouteDeps } from './adapters/http/routes';
import { ApiKeyRepository } from './adapters/pg/api-keys';
import { IdempotencyRepository, recordOutsideTransaction } from './adapters/pg/idempotency';
import { PaymentAudit } from './adapters/pg/payment-audit';
import { PaymentQueries, transferCodes } from './adapters/pg/payment-queries';
import { PaymentStore } from './adapters/pg/payment-store';
import { PspAccountRepository } from './adapters/pg/psp-accounts';
import { StoredCardRepository } from './adapters/pg/stored-cards';
import { ApiKeysApp } from './app/api-keys-app';
import { OperationsApp } from './app/operations-app';
import { PaymentsApp } from './app/payments-app';
import type { Clock, Random } from './app/ports';
import { PspAccountsApp } from './app/psp-accounts-app';
import { WebhooksApp } from './app/webhooks-app';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

export const systemClock: Clock = { now: () => new Date() };
export const cryptoRandom: Random = {
  int: (max) => randomInt(max),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};

export interface CoreOptions {
  pool: Pool;
  schema: string;
  clock?: Clock;
  random?: Random;
  transferCodeTtlMs?: number;
  transferCodeLength?: number;
  notification?: { baseUrl: string; token: string };
  meter?: Meter;
  /** PSP_ACCOUNT_KEYS: `id:base64key,...`, the first seals merchants' PSP credentials; absent: no merchant accounts. */
  pspAccountKeys?: string;
  /** How long a capture, void, refund or stored-card charge waits for the PSP before answering PENDING (8 s). */
  settleWaitMs?: number;
  /** The schema is migrated already (main.ts: runService's migrations did it); tests and the CLI migrate here. */
  migrated?: boolean;
}

/** Everything but the transports: what main.ts, the CLI and in-process tests share. */
export async function buildCore(o: CoreOptions) {
  if (!o.migrated) await migrate(o.pool, { schema: o.schema, dir: MIGRATIONS_DIR });
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  const store = new EventStore(o.pool, { schema: o.schema });
  const payments = new PaymentStore(store, o.meter);
  const queries = new PaymentQueries(o.pool, o.schema);
  const idempotency = new IdempotencyRepository(o.pool, o.schema);
  const keyRepository = new ApiKeyRepository(o.pool, o.schema);
  const audit = new PaymentAudit(store);
  const pspAccountStore = new PspAccountRepository(
    o.pool,
    o.schema,
    o.pspAccountKeys ? parseKeyring(o.pspAccountKeys, 'PSP_ACCOUNT_KEYS') : undefined,
  );
  const pspAccounts = new PspAccountsApp(pspAccountStore, clock);
  const paymentsApp = new PaymentsApp({
    payments,
    queries,
    transferCodes,
    idempotency,
    audit,
    clock,
    random,
    transferCodeTtlMs: o.transferCodeTtlMs ?? 15 * 60 * 1000,
    transferCodeLength: o.transferCodeLength ?? 6,
    pspAccountOf: (orderSystem) => pspAccounts.accountFor(orderSystem),
    storedCards: new StoredCardRepository(o.pool, o.schema),
    settleWaitMs: o.settleWaitMs ?? 8000,
    sleep,
  });
  const operations = new OperationsApp({
    payments,
    queries,
    idempotency,
    clock,
    settleWaitMs: o.settleWaitMs ?? 8000,
    sleep,
  });
  const apiKeys = new ApiKeysApp(keyRepository, clock, random);
  const routeDeps: RouteDeps = {
    payments: paymentsApp,
    operations,
    apiKeys,
    webhooks: new WebhooksApp(
      new NotificationWebhooks(o.notification ?? { baseUrl: 'http://127.0.0.1:8085', token: '' }),
    ),
    pspAccounts,
    idempotency,
    rememberAnswer: (orderSystem, key, methodPath, requestSha256, status, response) =>
      recordOutsideTransaction(o.pool, o.schema, orderSystem, key, { methodPath, requestSha256, status, response }),
  };
  return {
    clock,
    store,
    payments,
    queries,
    idempotency,
    audit,
    keyRepository,
    paymentsApp,
    apiKeys,
    pspAccountStore,
    pspAccounts,
    operations,
    routeDeps,
  };
}

export type Core = Awaited<ReturnType<typeof buildCore>>;
