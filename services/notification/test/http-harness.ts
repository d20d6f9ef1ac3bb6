import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPgPool } from '@ivr/eventstore';
import type { Pool } from 'pg';
import { createNotificationHttp } from '../src/adapters/http/server';
import { deliveryHandler } from '../src/app/handlers';
import type { DestinationPolicy } from '../src/webhooks/destination';
import { buildCore, type CoreOptions } from '../src/wiring';

export interface NotificationHttp {
  pool: Pool;
  schema: string;
  core: Awaited<ReturnType<typeof buildCore>>;
  /** http://127.0.0.1:<port> of the live stream and the internal API. */
  base: string;
  /** The internal API's service token (order-link's NOTIFICATION_INTERNAL_TOKEN). */
  token: string;
  close(): Promise<void>;
}

/** A keyring for tests (WEBHOOK_SECRET_KEYS): one random key per test process. */
export const TEST_SECRET_KEYS = `test-1:${randomBytes(32).toString('base64')}`;

/** notification's core on a fresh schema of the test database, with its HTTP server on a random port. */
export async function startNotificationHttp(
  prefix: string,
  o: { operatorTokenSecret?: string; internalToken?: string; destinations?: DestinationPolicy } = {},
): Promise<NotificationHttp> {
  const pool = createPgPool(process.env.IVR_TEST_DATABASE_URL!, { applicationName: `test-${prefix}`, max: 5 });
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };
  const core = await buildCore({
    pool,
    schema,
    policy: { baseDelayMs: 50, maxDelayMs: 100, retryWindowMs: 1000 },
    timeoutMs: 500,
    concurrency: 2,
    pollIntervalMs: 1000,
    logger: silent,
    // Tests register receivers on this machine unless they test the production rules.
    destinations: o.destinations ?? { allowLoopback: true },
    secretKeys: TEST_SECRET_KEYS,
  });
  const token = o.internalToken ?? 'service-token';
  const app = createNotificationHttp({
    hub: core.hub,
    webhooks: core.webhooks,
    operatorTokenSecret: o.operatorTokenSecret ?? 'x',
    internalToken: token,
    retryWindowMs: 1000,
    heartbeatMs: 60_000,
    now: () => new Date(),
    destinations: o.destinations ?? { allowLoopback: true },
    onRedeliver: () => undefined,
    logger: silent,
  });
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return {
    pool,
    schema,
    core,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
}

/** The delivery consumer's handler on a core, without Kafka: a test hands it PaymentCompleted events. */
export function deliveryHandlerFor(
  core: NotificationHttp['core'],
  retryWindowMs: number,
  wake: () => void = () => core.dispatcher.wake(),
) {
  const silent = { warn: () => undefined, info: () => undefined };
  return deliveryHandler({
    deliveries: core.events,
    events: core.events,
    watchers: core.watchers,
    retryWindowMs,
    now: () => new Date(),
    onEnqueued: wake,
    logger: silent,
  });
}

/**
 * A core for delivery tests on `pool`/`schema` (fast retries, receivers on this machine, the test
 * keyring unless `o` says otherwise), its dispatcher running, and the handler of its events.
 */
export async function startDeliveryCore(
  o: Pick<CoreOptions, 'pool' | 'schema'> & Partial<CoreOptions>,
): Promise<{ core: NotificationHttp['core']; handle: ReturnType<typeof deliveryHandlerFor> }> {
  const policy = o.policy ?? { baseDelayMs: 50, maxDelayMs: 100, retryWindowMs: 1_500 };
  const core = await buildCore({
    timeoutMs: 1000,
    concurrency: 5,
    pollIntervalMs: 50,
    logger: { warn: () => undefined, info: () => undefined },
    destinations: { allowLoopback: true },
    secretKeys: TEST_SECRET_KEYS,
    ...o,
    policy,
  });
  core.dispatcher.start();
  return { core, handle: deliveryHandlerFor(core, policy.retryWindowMs) };
}
