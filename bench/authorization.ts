/**
 * make bench-authorization: authorizations per second through gRPC → event store → outbox → Kafka,
 * with the PSP simulator at 0 ms and at 200 ms latency (the service must not serialize on the PSP).
 * The service runs as its own process (the built bundle), the simulator as another, this process is
 * the gRPC client. Prints figures; asserts nothing.
 *   BENCH_COUNT (authorizations per run, default 3000), BENCH_CONCURRENCY (calls in flight, default 64
 *   at 0 ms and 256 at 200 ms), BENCH_LATENCIES_MS (default "0,200"),
 *   BENCH_SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": where the service spends its time).
 */
import { APPROVED_TEST_PAN } from '../test/fixtures/test-cards';
import '../scripts/load-env';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import {
  AuthorizationServiceClient,
  AuthorizationStatus,
  type AuthorizeRequest,
  type AuthorizeResponse,
} from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { createPgPool } from '@ivr/eventstore';
import { createTestCardToken } from '@ivr/psp-simulator';
import { clientCredentials } from '@ivr/testkit/certificates';
import { freePort } from '@ivr/testkit/ports';
import { build } from 'esbuild';
import { Kafka, logLevel } from 'kafkajs';
import { fmt, printTable, summarize } from './stats';

const ROOT = join(__dirname, '..');
const COUNT = Number(process.env.BENCH_COUNT ?? 3000);
const LATENCIES = (process.env.BENCH_LATENCIES_MS ?? '0,200').split(',').map(Number);
const children: ChildProcess[] = [];

async function waitFor(what: string, probe: () => Promise<boolean>, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > until) throw new Error(`${what} not ready after ${seconds}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(name: string, file: string, env: Record<string, string>, nodeArgs: string[] = []): void {
  const log = openSync(join(process.env.IVR_LOG_DIR ?? '/tmp', `bench-authorization-${name}.log`), 'a');
  const child = spawn(process.execPath, [...nodeArgs, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  children.push(child);
}

/** CPU seconds a child process used so far (user + system), from /proc: a figure the machine's load does not skew much. */
function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function authorize(client: AuthorizationServiceClient, request: AuthorizeRequest) {
  return new Promise<{ error: ServiceError | null; response: AuthorizeResponse | undefined }>((resolve) => {
    client.authorize(request, (error, response) => resolve({ error, response }));
  });
}

async function main(): Promise<void> {
  const dbUrl = process.env.IVR_TEST_DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!dbUrl || brokers.length === 0)
    throw new Error('run `make up-infra` first (IVR_TEST_DATABASE_URL, KAFKA_BROKERS)');
  const id = randomBytes(3).toString('hex');
  const schema = `bench_authz_${id}`;
  const topic = `bench.authorizations.${id}`;
  const kafka = new Kafka({ brokers, clientId: 'bench-authorization', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const pool = createPgPool(dbUrl, { applicationName: 'bench-authorization', max: 2 });

  execFileSync(process.execPath, [join(ROOT, 'scripts/build-services.mjs'), 'authorization'], { cwd: ROOT });
  const simulatorBundle = join(ROOT, 'tools/psp-simulator/dist/main.js');
  await build({
    entryPoints: [join(ROOT, 'tools/psp-simulator/src/main.ts')],
    outfile: simulatorBundle,
    bundle: true,
    platform: 'node',
    target: 'node24',
    external: ['express'],
    logLevel: 'warning',
  });

  const [simPort, grpcPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  start('simulator', simulatorBundle, { PORT: String(simPort) });
  await waitFor('simulator', async () => (await fetch(`${simUrl}/healthz`)).ok);
  start(
    'service',
    join(ROOT, 'services/authorization/dist/main.js'),
    {
      AUTHORIZATION_DATABASE_URL: dbUrl,
      AUTHORIZATION_DB_SCHEMA: schema,
      AUTHORIZATION_TOPIC: topic,
      GRPC_PORT: String(grpcPort),
      ADMIN_PORT: String(adminPort),
      PSP_URL: simUrl,
      PSP_API_KEY: 'sk_test_bench',
      PSP_TIMEOUT_MS: '10000',
      RECONCILE_AFTER_MS: '600000',
      LOG_LEVEL: 'warn',
    },
    (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  await waitFor('authorization service', async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok);
  const client = new AuthorizationServiceClient(`127.0.0.1:${grpcPort}`, clientCredentials('call-control'), {
    'grpc.max_concurrent_streams': 1000,
  });

  const rows: Array<[string, string]> = [];
  let published = 0;
  for (const latencyMs of LATENCIES) {
    const concurrency = Number(process.env.BENCH_CONCURRENCY ?? (latencyMs > 0 ? 256 : 64));
    await fetch(`${simUrl}/_sim/reset`, { method: 'POST' });
    await fetch(`${simUrl}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'none', latencyMs, path: '/v1/payment_intents' }),
    });
    // Card tokens first (outside the timing): an unattached payment method can be charged once.
    const warmup = 200;
    const tokens: string[] = [];
    for (let i = 0; i < COUNT + warmup; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, COUNT + warmup - i) }, async () => {
          const t = await createTestCardToken(simUrl, APPROVED_TEST_PAN, { apiKey: 'sk_test_bench', expiryYear: 2034 });
          return t.pspToken;
        }),
      );
      tokens.push(...batch);
    }
    const request = (i: number): AuthorizeRequest => ({
      paymentId: `bench_${id}_${latencyMs}_${i}`,
      card: {
        pspToken: tokens[i] as string,
        brand: 'visa',
        bin: '424242',
        last4: '4242',
        expiryMonth: 12,
        expiryYear: 2034,
      },
      amount: { minorUnits: 1200, currency: 'JPY' },
      mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
      orderReference: `order-${i}`,
      customerReference: '',
      correlationId: '',
      pspAccountId: '',
    });
    const run = async (from: number, to: number, lanes: number, samples: number[]) => {
      let next = from;
      let failures = 0;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < to) {
            const i = next++;
            const t0 = performance.now();
            const { error, response } = await authorize(client, request(i));
            samples.push(performance.now() - t0);
            if (error || response?.authorization?.status !== AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED)
              failures++;
          }
        }),
      );
      return failures;
    };
    await run(COUNT, COUNT + warmup, concurrency, []);
    const samples: number[] = [];
    const [service, simulator] = [children[1] as ChildProcess, children[0] as ChildProcess];
    const cpu0 = [cpuSeconds(service), cpuSeconds(simulator)];
    const t0 = performance.now();
    const failures = await run(0, COUNT, concurrency, samples);
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = [cpuSeconds(service) - (cpu0[0] ?? 0), cpuSeconds(simulator) - (cpu0[1] ?? 0)].map(
      (c) => (c * 1000) / COUNT,
    );
    published += (COUNT + warmup) * 2;
    await waitFor(
      'the outbox to drain to Kafka',
      async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((sum, p) => sum + Number(p.high), 0) >= published;
      },
      300,
    );
    const drained = (performance.now() - t0) / 1000;
    const charges = (await (await fetch(`${simUrl}/_sim/charges`)).json()) as { total: number };
    const s = summarize(samples);
    rows.push(
      [`PSP latency ${latencyMs} ms, ${concurrency} in flight`, ''],
      ['  authorizations/s (gRPC answered)', fmt(COUNT / seconds, 0)],
      ['  authorizations/s (events on Kafka)', fmt(COUNT / drained, 0)],
      ['  latency p50 / p99 / max (ms)', `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.max)}`],
      ['  CPU ms per authorization: service / simulator', `${fmt(cpuMs[0] ?? 0, 2)} / ${fmt(cpuMs[1] ?? 0, 2)}`],
      ['  failures, charges at the PSP', `${failures}, ${charges.total} for ${COUNT + warmup} payments`],
    );
  }
  // Everything (PostgreSQL, Kafka, simulator, service, client) shares this machine: the load says how much of it was ours.
  rows.push([
    'machine',
    `${cpus().length} cores, load average ${loadavg()
      .map((l) => fmt(l))
      .join(' / ')}`,
  ]);
  printTable(`Authorization: ${COUNT} authorizations per run (2 events each, outbox → Kafka, 6 partitions)`, rows);

  client.close();
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
}

main().catch((error: unknown) => {
  console.error(error);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
