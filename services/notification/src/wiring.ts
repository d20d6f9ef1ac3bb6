import { join } from 'node:path';
import { EventStore, migrate } from '@ivr/eventstore';
import { parseKeyring } from '@ivr/secret-box';
import type { Meter } from '@opentelemetry/api';
import type { Pool } from 'pg';
import { PgPaymentEvents } from './adapters/pg/payment-events';
import { PaymentWatchers } from './adapters/pg/payment-watchers';
import { WebhookRepository } from './adapters/pg/webhook-repository';
import { type Resolve, webhookTransport } from './adapters/webhooks/sender';
import { WebhookDispatcher } from './app/dispatcher';
import { LiveHub } from './live/hub';
import { type DestinationPolicy, PUBLIC_HTTPS_ONLY } from './webhooks/destination';
import type { RetryPolicy } from './webhooks/schedule';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

export interface CoreOptions {
  pool: Pool;
  schema: string;
  policy: RetryPolicy;
  timeoutMs: number;
  concurrency: number;
  pollIntervalMs: number;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  now?: () => Date;
  meter?: Meter;
  /** Where webhooks may go; default: public addresses over https on 443 (production). */
  destinations?: DestinationPolicy;
  /** DNS of the connection-time check (tests); default: the system resolver. */
  resolve?: Resolve;
  /** The schema is migrated already (main.ts: runService's migrations did it); tests migrate here. */
  migrated?: boolean;
  /** WEBHOOK_SECRET_KEYS: `id:base64key,...`, the first seals the signing secrets at rest. */
  secretKeys: string;
}

/** Everything but Kafka and HTTP: shared by main.ts and in-process tests. */
export async function buildCore(o: CoreOptions) {
  if (!o.migrated) await migrate(o.pool, { schema: o.schema, dir: MIGRATIONS_DIR });
  const now = o.now ?? (() => new Date());
  const store = new EventStore(o.pool, { schema: o.schema });
  const webhooks = new WebhookRepository(o.pool, o.schema, parseKeyring(o.secretKeys, 'WEBHOOK_SECRET_KEYS'));
  // Secrets still in clear (before release 003) or under an older key are sealed with the current one.
  const atRest = await webhooks.sealAtRest();
  if (atRest.sealed + atRest.resealed > 0) o.logger.info(atRest, 'webhook secrets sealed with the current key');
  if (atRest.unreadable > 0)
    o.logger.warn(atRest, 'webhook secrets under keys missing from WEBHOOK_SECRET_KEYS: their deliveries wait');
  const watchers = new PaymentWatchers(o.pool, o.schema);
  const hub = new LiveHub();
  const dispatcher = new WebhookDispatcher({
    repository: webhooks,
    policy: o.policy,
    timeoutMs: o.timeoutMs,
    concurrency: o.concurrency,
    pollIntervalMs: o.pollIntervalMs,
    now,
    logger: o.logger,
    ...(o.meter ? { meter: o.meter } : {}),
    transport: webhookTransport(o.destinations ?? PUBLIC_HTTPS_ONLY, o.resolve),
  });
  // What the delivery consumer writes: payment events once, and each PaymentCompleted's deliveries.
  const events = new PgPaymentEvents(store, webhooks);
  return { store, webhooks, watchers, hub, dispatcher, events, now };
}
