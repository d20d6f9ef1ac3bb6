/**
 * make bench-authorization: authorizations, then captures, then partial refunds per second through gRPC →
 * event store → outbox → Kafka (each payment authorized in AUTHORIZE mode, captured whole, then refunded
 * in part: Authorize, Capture and Refund of ivr.authorization.v1, one phase after the other), per PSP:
 * the Stripe-like simulator (tools/psp-simulator), the GMO-PG simulator (tools/gmo-pg-simulator:
 * EntryTran + ExecTran per authorization, SearchTrade + AlterTran SALES per capture, SearchTrade +
 * ChangeTran per partial refund) and stripe-mock (Stripe's own mock, canned answers, no latency control),
 * each at 0 ms and at 200 ms latency on the calls that move money where it can be set (the service must
 * not serialize on the PSP). The service runs as its own process (the built bundle), each PSP as another,
 * this process is the gRPC client. Prints figures beside the commit and the load average; asserts nothing,
 * but says how many payments the simulators' ledgers show charged, captured and refunded exactly once, and
 * an operation the PSP cannot do (every call of it refused) as such.
 *   BENCH_PSPS (default "simulator,gmo-pg,stripe-mock"),
 *   BENCH_COUNT (payments per run, each authorized, captured and refunded; default 3000), BENCH_CONCURRENCY (calls in flight, default 64
 *   at 0 ms and 256 at 200 ms), BENCH_LATENCIES_MS (default "0,200"),
 *   BENCH_SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": where the service spends its time).
 */
import { APPROVED_TEST_PAN, GMO_PG_TEST_PAN } from '../test/fixtures/test-cards';
import '../scripts/load-env';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import {
  type Authorization,
  AuthorizationServiceClient,
  AuthorizationStatus,
  type AuthorizeRequest,
  OperationStatus,
} from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { createPgPool } from '@ivr/eventstore';
import { DEFAULT_SHOP, DEFAULT_SITE, saveTestCard } from '@ivr/gmo-pg-simulator';
import { gmoCardReference, gmoMemberId } from '@ivr/psp';
import { createTestCardToken, startStripeMock } from '@ivr/psp-simulator';
import { clientCredentials } from '@ivr/testkit/certificates';
import { freePort } from '@ivr/testkit/ports';
import { build } from 'esbuild';
import { Kafka, logLevel } from 'kafkajs';
import { plainInsertCeiling } from './ceilings';
import { commitOfTree } from './figures';
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

function start(name: string, file: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const log = openSync(join(process.env.IVR_LOG_DIR ?? '/tmp', `bench-authorization-${name}.log`), 'a');
  const child = spawn(process.execPath, [...nodeArgs, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  return child;
}

/** CPU seconds a child process used so far (user + system), from /proc: a figure the machine's load does not skew much. */
function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What one call answered: the payment's authorization, or the error. */
type Answer = { error: ServiceError | null; authorization: Authorization | undefined };
type Phase = 'authorize' | 'capture' | 'refund';
const PHASES: Phase[] = ['authorize', 'capture', 'refund'];
const AMOUNT = 1200;
/** The part of each captured payment given back. */
const REFUNDED = 400;
const CAPTURE_ID = 'cap_bench';
const REFUND_ID = 'ref_bench';

const answered =
  (resolve: (a: Answer) => void) =>
  (error: ServiceError | null, response?: { authorization?: Authorization | undefined }) =>
    resolve({ error, authorization: response?.authorization });

/** Did the call do what the phase asks (the one operation of its id SUCCEEDED)? */
function succeeded(phase: Phase, a: Authorization | undefined): boolean {
  if (phase === 'authorize') return a?.status === AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED;
  const id = phase === 'capture' ? CAPTURE_ID : REFUND_ID;
  return a?.operations.find((o) => o.operationId === id)?.status === OperationStatus.OPERATION_STATUS_SUCCEEDED;
}

/** One PSP as the benchmark drives it: what the service is told, card tokens, latency, what it booked. */
interface BenchPsp {
  name: string;
  /** The service's environment for it (PSP_PROVIDER, PSP_URL, credentials). */
  env: Record<string, string>;
  /** Its process, for CPU accounting (absent: not measured). */
  child?: ChildProcess;
  /** Card tokens for `n` payments, made before the timing. */
  tokens(n: number): Promise<string[]>;
  card: { brand: string; bin: string; last4: string };
  /** Sets its latency; false when it has no such control. */
  latency(ms: number): Promise<boolean>;
  /**
   * What its ledger shows for the payments (by payment id and its PSP reference): how many were charged,
   * captured and refunded exactly once, as a sentence for the table.
   */
  booked(payments: Array<{ paymentId: string; pspReference: string }>): Promise<string>;
  close(): Promise<void>;
}

async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outfile),
    bundle: true,
    platform: 'node',
    target: 'node24',
    external: ['express'],
    logLevel: 'warning',
  });
  return join(ROOT, outfile);
}

const stopChild = (child: ChildProcess) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(null);
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

async function simulatorPsp(): Promise<BenchPsp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = start(
    'simulator',
    await bundle('tools/psp-simulator/src/main.ts', 'tools/psp-simulator/dist/main.js'),
    {
      PORT: String(port),
    },
  );
  await waitFor('simulator', async () => (await fetch(`${url}/healthz`)).ok);
  return {
    name: 'Stripe-like simulator (tools/psp-simulator)',
    env: { PSP_URL: url, PSP_API_KEY: 'sk_test_bench' },
    child,
    card: { brand: 'visa', bin: '424242', last4: '4242' },
    async tokens(n) {
      const tokens: string[] = [];
      for (let i = 0; i < n; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, n - i) }, async () => {
            const t = await createTestCardToken(url, APPROVED_TEST_PAN, { apiKey: 'sk_test_bench', expiryYear: 2034 });
            return t.pspToken;
          }),
        );
        tokens.push(...batch);
      }
      return tokens;
    },
    async latency(latencyMs) {
      await fetch(`${url}/_sim/reset`, { method: 'POST' });
      // Every call that moves money: confirm and capture (/v1/payment_intents/...), refund (/v1/refunds).
      for (const path of ['/v1/payment_intents', '/v1/refunds'])
        await postJson(`${url}/_sim/faults`, { mode: 'none', latencyMs, path });
      return true;
    },
    async booked(payments) {
      // The run began with /_sim/reset: its ledger holds only this run's payments.
      const charges = (await (await fetch(`${url}/_sim/charges`)).json()) as { total: number };
      const { byPaymentId: ledger } = (await (await fetch(`${url}/_sim/ledger`)).json()) as {
        byPaymentId: Record<string, LedgerEntry>;
      };
      const once = payments.filter(({ paymentId }) => {
        const l = ledger[paymentId];
        return (
          l?.charges === 1 &&
          l.refunds === 1 &&
          l.held === 0 &&
          l.settled === AMOUNT - REFUNDED &&
          l.refunded === REFUNDED
        );
      }).length;
      return `${charges.total} charges; ${once} charged once, captured ${AMOUNT} once, refunded ${REFUNDED} once`;
    },
    close: () => stopChild(child).then(() => undefined),
  };
}

async function gmoPgPsp(): Promise<BenchPsp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = start(
    'gmo-pg-simulator',
    await bundle('tools/gmo-pg-simulator/src/main.ts', 'tools/gmo-pg-simulator/dist/main.js'),
    { PORT: String(port) },
  );
  await waitFor('GMO-PG simulator', async () => (await fetch(`${url}/healthz`)).ok);
  // One published test card saved under one member (as the vault does it), charged by every payment.
  const saved = await saveTestCard(
    url,
    DEFAULT_SITE,
    gmoMemberId(`bench-${randomBytes(4).toString('hex')}`),
    GMO_PG_TEST_PAN,
  );
  const reference = gmoCardReference(saved.memberId, saved.cardSeq);
  return {
    name: 'GMO-PG simulator (tools/gmo-pg-simulator)',
    env: {
      PSP_PROVIDER: 'gmo-pg',
      PSP_URL: url,
      GMO_PG_SHOP_ID: DEFAULT_SHOP.shopId,
      GMO_PG_SHOP_PASS: DEFAULT_SHOP.shopPass,
      GMO_PG_SITE_ID: DEFAULT_SITE.siteId,
      GMO_PG_SITE_PASS: DEFAULT_SITE.sitePass,
    },
    child,
    card: { brand: saved.brand, bin: GMO_PG_TEST_PAN.slice(0, 6), last4: saved.last4 },
    tokens: async (n) => Array.from({ length: n }, () => reference),
    async latency(latencyMs) {
      await fetch(`${url}/_sim/faults`, { method: 'DELETE' });
      // Every call that moves money: ExecTran (authorize), AlterTran SALES (capture), ChangeTran (partial refund);
      // not EntryTran nor the SearchTrade that looks a transaction up before a change.
      for (const api of ['ExecTran', 'AlterTran', 'ChangeTran'])
        await postJson(`${url}/_sim/faults`, { mode: 'none', latencyMs, path: `/payment/${api}.idPass` });
      return true;
    },
    async booked(payments) {
      // Its orders by OrderID (the PSP reference): ExecTran once, AlterTran SALES once, ChangeTran once.
      const { orders } = (await (await fetch(`${url}/_sim/orders`)).json()) as { orders: GmoOrder[] };
      const byOrderId = new Map(orders.map((o) => [o.orderId, o]));
      let charges = 0;
      const once = payments.filter(({ pspReference }) => {
        const o = byOrderId.get(pspReference);
        if (!o) return false;
        charges += o.summary.charges;
        const count = (api: string, jobCd?: string) =>
          o.ledger.filter((e) => e.api === api && (jobCd === undefined || e.jobCd === jobCd)).length;
        return (
          o.summary.charges === 1 &&
          count('AlterTran', 'SALES') === 1 &&
          count('ChangeTran') === 1 &&
          o.ledger.length === 3 &&
          o.summary.held === 0 &&
          o.summary.settled === AMOUNT - REFUNDED &&
          o.summary.refunded === REFUNDED
        );
      }).length;
      return `${charges} charges (ExecTran); ${once} charged once, captured (AlterTran SALES) once, refunded ${REFUNDED} (ChangeTran) once`;
    },
    close: () => stopChild(child).then(() => undefined),
  };
}

async function stripeMockPsp(): Promise<BenchPsp> {
  // Its intents answer authorized (the fixtures patched as the service's stripe-mock test does).
  const mock = await startStripeMock({
    patchFixtures: (f) => {
      Object.assign(f.payment_intent ?? {}, { status: 'requires_capture', last_payment_error: null });
    },
  });
  return {
    name: 'stripe-mock (canned answers, its CPU not measured)',
    env: { PSP_PROVIDER: 'stripe', PSP_URL: mock.url, PSP_API_KEY: 'sk_test_bench' },
    card: { brand: 'visa', bin: '424242', last4: '4242' },
    tokens: async (n) => Array.from({ length: n }, () => 'pm_card_visa'),
    latency: async (latencyMs) => latencyMs === 0,
    booked: async () => 'stateless, no ledger to check',
    close: () => mock.close(),
  };
}

/** The simulator's `GET /_sim/ledger` entry of a payment id. */
interface LedgerEntry {
  charges: number;
  held: number;
  settled: number;
  refunded: number;
  refunds: number;
}

/** What the GMO-PG simulator's `GET /_sim/orders` shows of an order (the fields read here). */
interface GmoOrder {
  orderId: string;
  ledger: Array<{ api: string; jobCd: string }>;
  summary: { charges: number; held: number; settled: number; refunded: number };
}

const PSPS: Record<string, () => Promise<BenchPsp>> = {
  simulator: simulatorPsp,
  'gmo-pg': gmoPgPsp,
  'stripe-mock': stripeMockPsp,
};

function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function main(): Promise<void> {
  const dbUrl = process.env.IVR_TEST_DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!dbUrl || brokers.length === 0)
    throw new Error('run `make up-infra` first (IVR_TEST_DATABASE_URL, KAFKA_BROKERS)');
  const pspNames = (process.env.BENCH_PSPS ?? 'simulator,gmo-pg,stripe-mock').split(',').filter(Boolean);
  const id = randomBytes(3).toString('hex');
  const schema = `bench_authz_${id}`;
  const topic = `bench.authorizations.${id}`;
  const kafka = new Kafka({ brokers, clientId: 'bench-authorization', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const pool = createPgPool(dbUrl, { applicationName: 'bench-authorization', max: 2 });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-services.mjs'), 'authorization'], { cwd: ROOT });

  const loadBefore = loadavg()[0] ?? 0;
  // The raw ceiling, measured just before each run (a shared machine's load changes from one to the
  // next): plain INSERTs, one round trip each (an authorization is two transactions of a few rows).
  const ceilingSchema = `${schema}_ceiling`;
  const ceilingPool = createPgPool(dbUrl, { applicationName: 'bench-authorization-ceiling', max: 16 });
  await ceilingPool.query(`create schema if not exists "${ceilingSchema}"`);
  const ceiling = () => plainInsertCeiling(ceilingPool, ceilingSchema, 3000, 16);
  const rows: Array<[string, string]> = [];
  let published = 0;
  for (const pspName of pspNames) {
    const makePsp = PSPS[pspName];
    if (!makePsp) throw new Error(`BENCH_PSPS: no PSP ${pspName} (${Object.keys(PSPS).join(', ')})`);
    const psp = await makePsp();
    const [grpcPort, adminPort] = [await freePort(), await freePort()];
    const service = start(
      'service',
      join(ROOT, 'services/authorization/dist/main.js'),
      {
        AUTHORIZATION_DATABASE_URL: dbUrl,
        AUTHORIZATION_DB_SCHEMA: schema,
        AUTHORIZATION_TOPIC: topic,
        GRPC_PORT: String(grpcPort),
        ADMIN_PORT: String(adminPort),
        PSP_TIMEOUT_MS: '10000',
        RECONCILE_AFTER_MS: '600000',
        LOG_LEVEL: 'warn',
        ...psp.env,
      },
      (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean),
    );
    await waitFor('authorization service', async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok);
    const client = new AuthorizationServiceClient(`127.0.0.1:${grpcPort}`, clientCredentials('call-control'), {
      'grpc.max_concurrent_streams': 1000,
    });
    rows.push([psp.name, '']);
    for (const latencyMs of LATENCIES) {
      if (!(await psp.latency(latencyMs))) continue;
      const concurrency = Number(process.env.BENCH_CONCURRENCY ?? (latencyMs > 0 ? 256 : 64));
      // Card tokens first (outside the timing): an unattached payment method can be charged once.
      const warmup = 200;
      const tokens = await psp.tokens(COUNT + warmup);
      const paymentId = (i: number) => `bench_${id}_${pspName}_${latencyMs}_${i}`;
      const request = (i: number): AuthorizeRequest => ({
        paymentId: paymentId(i),
        card: { pspToken: tokens[i] as string, ...psp.card, expiryMonth: 12, expiryYear: 2034 },
        amount: { minorUnits: AMOUNT, currency: 'JPY' },
        mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
        orderReference: `order-${i}`,
        customerReference: '',
        correlationId: '',
        pspAccountId: '',
      });
      const calls: Record<Phase, (i: number) => Promise<Answer>> = {
        authorize: (i) => new Promise((resolve) => client.authorize(request(i), answered(resolve))),
        // All of what was authorized, the one (final) capture.
        capture: (i) =>
          new Promise((resolve) =>
            client.capture(
              { paymentId: paymentId(i), operationId: CAPTURE_ID, correlationId: '', notFinal: false },
              answered(resolve),
            ),
          ),
        refund: (i) =>
          new Promise((resolve) =>
            client.refund(
              {
                paymentId: paymentId(i),
                operationId: REFUND_ID,
                amount: { minorUnits: REFUNDED, currency: 'JPY' },
                correlationId: '',
              },
              answered(resolve),
            ),
          ),
      };
      // Per payment: its stream's version (events so far, for the outbox's count) and its PSP reference.
      const versions = new Array<number>(COUNT + warmup).fill(0);
      const references = new Array<string>(COUNT + warmup).fill('');
      const run = async (phase: Phase, from: number, to: number, lanes: number, samples: number[]) => {
        let next = from;
        const failed: number[] = [];
        let firstError = '';
        await Promise.all(
          Array.from({ length: lanes }, async () => {
            while (next < to) {
              const i = next++;
              const t0 = performance.now();
              const { error, authorization } = await calls[phase](i);
              samples.push(performance.now() - t0);
              if (authorization) {
                versions[i] = Number(authorization.version);
                if (authorization.pspReference) references[i] = authorization.pspReference;
              }
              if (error || !succeeded(phase, authorization)) {
                failed.push(i);
                firstError ||=
                  error?.details ??
                  `answered ${JSON.stringify(authorization?.operations.at(-1) ?? authorization?.status)}`;
              }
            }
          }),
        );
        // A refused call answers no authorization, but may have recorded events: read what it stands at.
        for (const i of failed) {
          const state = await new Promise<Answer>((resolve) =>
            client.getAuthorization({ paymentId: paymentId(i) }, answered(resolve)),
          );
          if (state.authorization) versions[i] = Number(state.authorization.version);
        }
        return { failures: failed.length, firstError };
      };
      const events = () => versions.reduce((sum, v) => sum + v, 0);
      const eventsBefore = published;
      const drain = () =>
        waitFor(
          'the outbox to drain to Kafka',
          async () => {
            const offsets = await admin.fetchTopicOffsets(topic);
            return offsets.reduce((sum, p) => sum + Number(p.high), 0) >= eventsBefore + events();
          },
          300,
        );
      // Warm-up: each phase once over payments of their own, outside the timing.
      for (const phase of PHASES) await run(phase, COUNT, COUNT + warmup, concurrency, []);
      await drain();
      const insertsPerS = await ceiling();
      const loadAtStart = loadavg()[0] ?? 0;
      rows.push(
        [`  PSP latency ${latencyMs} ms, ${concurrency} in flight`, ''],
        [
          '    raw ceiling just before: plain INSERTs/s (16 lanes); load average',
          `${fmt(insertsPerS, 0)}; ${fmt(loadAtStart)}`,
        ],
      );
      let possible = true;
      for (const phase of PHASES) {
        if (!possible) {
          rows.push([`    ${phase}`, 'not run: nothing to act on (the phase before could not be done)']);
          continue;
        }
        const samples: number[] = [];
        const cpu0 = [cpuSeconds(service), psp.child ? cpuSeconds(psp.child) : 0];
        const t0 = performance.now();
        const { failures, firstError } = await run(phase, 0, COUNT, concurrency, samples);
        const seconds = (performance.now() - t0) / 1000;
        const cpuMs = [
          cpuSeconds(service) - (cpu0[0] ?? 0),
          psp.child ? cpuSeconds(psp.child) - (cpu0[1] ?? 0) : NaN,
        ].map((c) => (c * 1000) / COUNT);
        if (failures === COUNT) {
          // Every call refused: an operation this PSP cannot do, not a figure.
          possible = false;
          rows.push([`    ${phase}`, `cannot: every call refused (${firstError})`]);
          continue;
        }
        await drain();
        const drained = (performance.now() - t0) / 1000;
        const s = summarize(samples);
        rows.push(
          [
            `    ${phase}: operations/s (gRPC answered) ÷ plain INSERTs/s`,
            `${fmt(COUNT / seconds, 0)} (${fmt(COUNT / seconds / insertsPerS, 3)})`,
          ],
          [`    ${phase}: operations/s (events on Kafka)`, fmt(COUNT / drained, 0)],
          [`    ${phase}: latency p50 / p99 / max (ms)`, `${fmt(s.p50)} / ${fmt(s.p99)} / ${fmt(s.max)}`],
          [
            `    ${phase}: CPU ms per operation: service / PSP`,
            `${fmt(cpuMs[0] ?? 0, 2)} / ${fmt(cpuMs[1] ?? NaN, 2)}`,
          ],
          [`    ${phase}: failures`, failures ? `${failures} (first: ${firstError})` : '0'],
        );
      }
      published = eventsBefore + events();
      const payments = versions.map((_, i) => ({ paymentId: paymentId(i), pspReference: references[i] ?? '' }));
      rows.push(['    booked at the PSP', `${await psp.booked(payments)} (of ${COUNT + warmup} payments)`]);
    }
    client.close();
    await stopChild(service);
    await psp.close();
  }
  await ceilingPool.query(`drop schema if exists "${ceilingSchema}" cascade`);
  await ceilingPool.end();
  // Everything (PostgreSQL, Kafka, PSP, service, client) shares this machine: the load says how much of it was ours.
  rows.push(
    ['commit', commitOfTree()],
    [
      'machine',
      `${cpus().length} cores, load average (1 min) ${fmt(loadBefore)} before, ${loadavg()
        .map((l) => fmt(l))
        .join(' / ')} after`,
    ],
  );
  printTable(
    `Authorization: ${COUNT} payments per run, each authorized (AUTHORIZE mode), captured whole, then refunded ${REFUNDED} of ${AMOUNT} JPY (2 events per operation, outbox → Kafka, 6 partitions)`,
    rows,
  );

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
