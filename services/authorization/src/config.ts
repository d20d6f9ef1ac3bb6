import { bool, int, list, readConfig, str, url } from '@ivr/config';
import { Topics } from '@ivr/contracts';
import { kafkaConfigSpec } from '@ivr/kafka';
import { defaultPspAccount, pspConfigSpec } from '@ivr/psp';

/** The variables authorization reads (tools/k8s checks the Helm chart against it). */
export function configSpec() {
  return {
    grpcPort: int('GRPC_PORT', { default: 50054, min: 0, max: 65535 }),
    // The gRPC port always demands mutual TLS: ca.crt and authorization.crt/.key (scripts/certs.sh,
    // cert-manager in the chart) in this folder, and a client certificate of a listed identity.
    certsDir: str('IVR_CERTS_DIR'),
    allowedClients: list('GRPC_ALLOWED_CLIENTS', { default: ['call-control'] }),
    adminPort: int('ADMIN_PORT', { default: 9104, min: 0, max: 65535 }),
    databaseUrl: url('AUTHORIZATION_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
    // Another schema than the default only for tests that run the process on a shared database.
    dbSchema: str('AUTHORIZATION_DB_SCHEMA', { default: 'authorization' }),
    ...kafkaConfigSpec(),
    outboxRelayEnabled: bool('OUTBOX_RELAY_ENABLED', { default: true }),
    // ivr.authorizations.v1; another topic only for benchmarks and tests on the shared broker.
    topic: str('AUTHORIZATION_TOPIC', { default: Topics.authorizations }),
    // order-link's Payment events (captures, voids, refunds, merchant-initiated charges to send), read in
    // this consumer group; another group only for tests and benchmarks on the shared broker.
    consumerGroup: str('CONSUMER_GROUP', { default: 'authorization-payment-requests' }),
    // Gateway calls those requests start, at most this many at a time.
    backgroundCalls: int('PSP_BACKGROUND_CALLS', { default: 64, min: 1, max: 1000 }),
    // The PSP seam (docs/decisions/0009-psp-seam-and-gmo-pg.md): the default account's gateway and
    // credentials, and each gateway's API address (@ivr/psp's pspConfigSpec).
    ...pspConfigSpec('authorization'),
    pspRetries: int('PSP_RETRIES', { default: 2, min: 0, max: 10 }),
    pspRetryDelayMs: int('PSP_RETRY_DELAY_MS', { default: 200, min: 0, max: 10_000 }),
    breakerFailures: int('PSP_BREAKER_FAILURES', { default: 5, min: 1, max: 1000 }),
    breakerOpenMs: int('PSP_BREAKER_OPEN_MS', { default: 10_000, min: 100, max: 600_000 }),
    // Pending authorizations older than this are settled in the background.
    reconcileAfterMs: int('RECONCILE_AFTER_MS', { default: 30_000, min: 0, max: 86_400_000 }),
    reconcileIntervalMs: int('RECONCILE_INTERVAL_MS', { default: 5000, min: 100, max: 3_600_000 }),
    // Stripe keeps idempotency keys for 24 h; past this, reconciliation only looks, never repeats (GMO-PG's
    // OrderID never expires: its payments are always settled by repeating).
    idempotencyWindowMs: int('PSP_IDEMPOTENCY_WINDOW_MS', { default: 23 * 3_600_000, min: 0 }),
  };
}

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(configSpec(), env);
  defaultPspAccount(config, 'authorization'); // the default account must be complete: stop here naming what is missing
  return config;
}

/** What `main.js migrate` reads: the database and schema only (the migration Job sets nothing else). */
export function migrateConfigSpec() {
  const { databaseUrl, dbSchema } = configSpec();
  return { databaseUrl, dbSchema };
}

export type Config = ReturnType<typeof loadConfig>;
