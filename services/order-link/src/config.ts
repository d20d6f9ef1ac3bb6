import { bool, int, list, optional, readConfig, str, url } from '@ivr/config';
import { kafkaConfigSpec } from '@ivr/kafka';
import { parseKeyring } from '@ivr/secret-box';
import { trustedProxiesField } from './adapters/http/trusted-proxies';

/** The variables order-link reads (tools/k8s checks the Helm chart against it, with the console's). */
export function configSpec() {
  return {
    httpPort: int('HTTP_PORT', { default: 8080, min: 0, max: 65535 }),
    grpcPort: int('GRPC_PORT', { default: 50051, min: 0, max: 65535 }),
    adminPort: int('ADMIN_PORT', { default: 9101, min: 0, max: 65535 }),
    databaseUrl: url('ORDERLINK_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
    ...kafkaConfigSpec(),
    // A dedicated relay process can publish instead (and a test can hold publishing back).
    outboxRelayEnabled: bool('OUTBOX_RELAY_ENABLED', { default: true }),
    transferCodeTtlSeconds: int('TRANSFER_CODE_TTL_SECONDS', { default: 15 * 60, min: 10, max: 24 * 3600 }),
    transferCodeLength: int('TRANSFER_CODE_LENGTH', { default: 6, min: 4, max: 10 }),
    expirySweepIntervalMs: int('EXPIRY_SWEEP_INTERVAL_MS', { default: 5000, min: 100, max: 600_000 }),
    // How long a capture, void, refund or stored-card charge waits for the PSP's answer (through
    // authorization and Kafka) before it is answered PENDING / REQUESTED (202); 0 answers at once.
    settleWaitMs: int('OPERATION_SETTLE_WAIT_MS', { default: 8000, min: 0, max: 60_000 }),
    notificationUrl: url('NOTIFICATION_URL', { default: 'http://127.0.0.1:8085', protocols: ['http', 'https'] }),
    notificationToken: str('NOTIFICATION_INTERNAL_TOKEN'),
    // The gRPC port always demands mutual TLS: ca.crt and order-link.crt/.key (scripts/certs.sh,
    // cert-manager in the chart) in this folder, and a client certificate of a listed identity.
    certsDir: str('IVR_CERTS_DIR'),
    // Who may resolve transfer codes (TransferCodeService).
    transferCodeClients: list('GRPC_ALLOWED_CLIENTS', { default: ['call-control'] }),
    // Order systems that use the gRPC PaymentService: their certificates' identities (none by default;
    // each also needs an API key, and the chart's NetworkPolicy must let it in).
    orderSystemClients: list('GRPC_ORDER_SYSTEM_CLIENTS', { default: [] }),
    // Merchants' PSP accounts (docs/decisions/0010-psp-per-merchant.md): the keys that seal their credentials
    // at rest, `id:base64(32 bytes)[,id:key...]`, the first seals, all open (a Secret in the chart). Unset:
    // every payment uses the deployment's default account and the PSP account API answers 503.
    pspAccountKeys: optional(str('PSP_ACCOUNT_KEYS', { secret: true })),
    // Who may read an account's credentials (PspAccountService), and who of them gets GMO-PG's site only.
    pspAccountClients: list('GRPC_PSP_ACCOUNT_CLIENTS', { default: ['authorization', 'dtmf-vault'] }),
    pspSiteOnlyClients: list('GRPC_PSP_SITE_ONLY_CLIENTS', { default: ['dtmf-vault'] }),
    consumerGroup: str('PROCESS_MANAGER_GROUP', { default: 'order-link-process-manager' }),
    // The TLS-terminating proxies (the ingress) whose X-Forwarded-Proto/-Host/-For are believed:
    // addresses or CIDRs, never everyone (trusted-proxies.ts). None by default.
    trustedProxies: trustedProxiesField('TRUSTED_PROXIES'),
    // REST API rate limits, requests a minute in each replica (0 = none; the chart turns them on):
    // per API key, and per source address (counted before the key is checked). 429 + Retry-After.
    apiRateLimitPerKey: int('API_RATE_LIMIT_PER_KEY', { default: 0, min: 0, max: 1_000_000 }),
    apiRateLimitPerSource: int('API_RATE_LIMIT_PER_SOURCE', { default: 0, min: 0, max: 1_000_000 }),
    // Strict-Transport-Security on every answer to a request that came over TLS; 0 sends none.
    hstsMaxAgeSeconds: int('HSTS_MAX_AGE_SECONDS', { default: 31_536_000, min: 0, max: 63_072_000 }),
  };
}

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(configSpec(), env);
  if (config.pspAccountKeys) parseKeyring(config.pspAccountKeys, 'PSP_ACCOUNT_KEYS'); // malformed: stop here, naming no key
  return config;
}

/** What `main.js migrate` reads: the database only (the migration Job sets nothing else). */
export function migrateConfigSpec() {
  return { databaseUrl: configSpec().databaseUrl };
}

export type Config = ReturnType<typeof loadConfig>;

/** This service's schema in its database. */
export const DB_SCHEMA = 'orderlink';
