import { hostname } from 'node:os';
import { bool, int, readConfig, str, url } from '@ivr/config';
import { kafkaConfigSpec } from '@ivr/kafka';
import { parseKeyring } from '@ivr/secret-box';

/** The variables notification reads (tools/k8s checks the Helm chart against it). */
export function configSpec() {
  return {
    httpPort: int('HTTP_PORT', { default: 8085, min: 0, max: 65535 }),
    adminPort: int('ADMIN_PORT', { default: 9105, min: 0, max: 65535 }),
    databaseUrl: url('NOTIFICATION_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
    ...kafkaConfigSpec(),
    consumerGroup: str('CONSUMER_GROUP', { default: CONSUMER_GROUP }),
    // Each process serves its own screens, so each reads every live event: one group per process
    // (it starts at the newest message; idle groups expire on the broker).
    liveGroup: str('LIVE_CONSUMER_GROUP', { default: `notification-live-${hostname()}-${process.pid}` }),
    operatorTokenSecret: str('OPERATOR_TOKEN_SECRET'),
    internalToken: str('NOTIFICATION_INTERNAL_TOKEN'),
    // Keys that seal webhook signing secrets at rest: `id:base64(32 bytes)[,id:key...]`, the first seals,
    // all open (rotation: docs/runbook.md). A Secret in the chart.
    webhookSecretKeys: str('WEBHOOK_SECRET_KEYS', { secret: true }),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', { default: 10_000, min: 100, max: 60_000 }),
    webhookConcurrency: int('WEBHOOK_CONCURRENCY', { default: 50, min: 1, max: 1000 }),
    webhookBaseDelayMs: int('WEBHOOK_RETRY_BASE_MS', { default: 10_000, min: 10 }),
    webhookMaxDelayMs: int('WEBHOOK_RETRY_MAX_MS', { default: 3_600_000, min: 10 }),
    webhookRetryWindowMs: int('WEBHOOK_RETRY_WINDOW_MS', { default: 25 * 3_600_000, min: 1000 }),
    webhookPollMs: int('WEBHOOK_POLL_MS', { default: 500, min: 10, max: 60_000 }),
    sseHeartbeatMs: int('SSE_HEARTBEAT_MS', { default: 15_000, min: 100 }),
    // Development and tests only: webhooks may also go to loopback addresses, over http and any port
    // (receivers on this machine). Off, as in production: public addresses over https on 443 only.
    webhookAllowLoopback: bool('WEBHOOK_ALLOW_LOOPBACK_HTTP', { default: false }),
  };
}

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(configSpec(), env);
  parseKeyring(config.webhookSecretKeys, 'WEBHOOK_SECRET_KEYS'); // a malformed keyring stops the start, naming no key
  if (config.webhookAllowLoopback && env.NODE_ENV === 'production')
    throw new Error(
      'WEBHOOK_ALLOW_LOOPBACK_HTTP is for development and tests only; it cannot be on with NODE_ENV=production',
    );
  return config;
}

/** What `main.js migrate` reads: the database only (the migration Job sets nothing else). */
export function migrateConfigSpec() {
  return { databaseUrl: configSpec().databaseUrl };
}

export type Config = ReturnType<typeof loadConfig>;

export const DB_SCHEMA = 'notification';
export const CONSUMER_GROUP = 'notification';
