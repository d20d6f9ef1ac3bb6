// The vault must hold no database or Kafka client (ARCHITECTURE §4): none in its package.json, none
// reached through the @ivr/* workspace packages it depends on, none anywhere in the installed
// dependency tree of those packages. Nor any instrumentation that could record what passes through
// it (HTTP, gRPC, sockets): its telemetry has the Node runtime metrics and the spans written by hand.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTelemetry } from '@ivr/telemetry';
import { dependencyClosure, readManifest } from '@ivr/testkit/dependencies';

const ROOT = path.join(__dirname, '..', '..', '..');
const FORBIDDEN = [
  /^pg$/,
  /^pg-/,
  /^postgres$/,
  /^@neondatabase\//,
  /^mysql2?$/,
  /^mariadb$/,
  /^sqlite3$/,
  /^better-sqlite3$/,
  /^mongodb$/,
  /^mongoose$/,
  /^redis$/,
  /^ioredis$/,
  /^typeorm$/,
  /^sequelize$/,
  /^prisma$/,
  /^@prisma\//,
  /^knex$/,
  /^kysely$/,
  /^drizzle-orm$/,
  /^kafkajs$/,
  /^node-rdkafka$/,
  /^@confluentinc\//,
  /^@platformatic\/kafka$/,
  /^@ivr\/eventstore$/,
  /^@ivr\/kafka$/,
];

/**
 * Instrumentations patch modules to record calls: HTTP and gRPC ones can capture headers, metadata and
 * bodies. Only the runtime metrics (event loop, GC, heap) may reach the vault.
 */
const PAYLOAD_INSTRUMENTATION = [
  /^@opentelemetry\/instrumentation-(?!runtime-node$)/,
  /^@opentelemetry\/auto-instrumentations-/,
  /^@opentelemetry\/plugin-/,
  /^dd-trace$/,
  /^newrelic$/,
  /^elastic-apm-node$/,
  /^@sentry\/node$/,
];

const closureOfVault = () => dependencyClosure(path.join(__dirname, '..'));

describe('dtmf-vault dependencies', () => {
  it('include no database or Kafka client, directly or transitively', () => {
    const closure = closureOfVault();
    expect(closure.has('@ivr/contracts')).toBe(true); // the walk does follow workspace packages
    expect(closure.has('@grpc/grpc-js')).toBe(true);
    const offending = [...closure.entries()]
      .filter(([name]) => FORBIDDEN.some((pattern) => pattern.test(name)))
      .map(([, trail]) => trail.join(' -> '));
    expect(offending).toEqual([]);
  });

  it('include no instrumentation that could record payloads, directly or transitively', () => {
    const closure = closureOfVault();
    expect(closure.has('@opentelemetry/sdk-node')).toBe(true); // the walk reaches the telemetry SDK
    const offending = [...closure.entries()]
      .filter(([name]) => PAYLOAD_INSTRUMENTATION.some((pattern) => pattern.test(name)))
      .map(([, trail]) => trail.join(' -> '));
    expect(offending).toEqual([]);
    const sample = ['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-grpc', 'dd-trace'];
    expect(sample.every((name) => PAYLOAD_INSTRUMENTATION.some((p) => p.test(name)))).toBe(true);
    expect(PAYLOAD_INSTRUMENTATION.some((p) => p.test('@opentelemetry/instrumentation-runtime-node'))).toBe(false);
  });

  it("register only the runtime metrics' instrumentation when the vault's telemetry starts", async () => {
    const telemetry = startTelemetry({ service: 'dtmf-vault', mode: 'memory' });
    try {
      expect(telemetry.instrumentations).toEqual(['@opentelemetry/instrumentation-runtime-node']);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('would notice one (the check itself works)', () => {
    const sample = ['pg', 'kafkajs', '@ivr/eventstore', 'pino'];
    expect(sample.filter((name) => FORBIDDEN.some((p) => p.test(name)))).toEqual(['pg', 'kafkajs', '@ivr/eventstore']);
  });

  it('pin every external dependency to an exact version', () => {
    const manifest = readManifest(path.join(__dirname, '..'));
    for (const [name, version] of Object.entries(manifest.dependencies ?? {}))
      if (!name.startsWith('@ivr/')) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(path.join(ROOT, 'package-lock.json'))).toBe(true);
  });
});
