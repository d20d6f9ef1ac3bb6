// The vault must hold no database or Kafka client (ARCHITECTURE §4): none in its package.json, none
// reached through the @ivr/* workspace packages it depends on, none anywhere in the installed
// dependency tree of those packages. Nor any instrumentation that could record what passes through
// it (HTTP, gRPC, sockets): its telemetry has the Node runtime metrics and the spans written by hand.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startTelemetry } from '@ivr/telemetry';

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

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifestOf(name: string, from: string): { manifest: Manifest; dir: string } | undefined {
  // Node's resolution: node_modules folders from the requiring package up to the root.
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate))
      return { manifest: JSON.parse(readFileSync(candidate, 'utf8')), dir: path.dirname(candidate) };
    if (dir === path.dirname(dir)) return undefined;
  }
}

/** Every package reachable from the vault through dependencies, with the path that reaches it. */
function dependencyClosure(): Map<string, string[]> {
  const start = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;
  const seen = new Map<string, string[]>();
  const queue: { manifest: Manifest; dir: string; trail: string[] }[] = [
    { manifest: start, dir: path.join(__dirname, '..'), trail: [start.name] },
  ];
  while (queue.length) {
    const { manifest, dir, trail } = queue.shift()!;
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
    for (const name of Object.keys(deps)) {
      if (seen.has(name)) continue;
      seen.set(name, [...trail, name]);
      const found = manifestOf(name, dir);
      if (found) queue.push({ ...found, trail: [...trail, name] });
    }
  }
  return seen;
}

describe('dtmf-vault dependencies', () => {
  it('include no database or Kafka client, directly or transitively', () => {
    const closure = dependencyClosure();
    expect(closure.has('@ivr/contracts')).toBe(true); // the walk does follow workspace packages
    expect(closure.has('@grpc/grpc-js')).toBe(true);
    const offending = [...closure.entries()]
      .filter(([name]) => FORBIDDEN.some((pattern) => pattern.test(name)))
      .map(([, trail]) => trail.join(' -> '));
    expect(offending).toEqual([]);
  });

  it('include no instrumentation that could record payloads, directly or transitively', () => {
    const closure = dependencyClosure();
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
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;
    for (const [name, version] of Object.entries(manifest.dependencies ?? {}))
      if (!name.startsWith('@ivr/')) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(path.join(ROOT, 'package-lock.json'))).toBe(true);
  });
});
