// `make bench-replicas`: the whole system with one process of every service, then with BENCH_REPLICAS
// of every service (call-control and the vault included), in the same run and at the same call rates:
// payments completed per second, failed calls, last key → result, and the CPU of the services and of
// PostgreSQL per payment, side by side with the load average. Both runs put the SIP proxy (Kamailio)
// in front of call-control, so that both pay for the same hop: with replicas its dispatcher spreads
// SIPp's calls round robin. The own UAC (the latency probes) places each call at the next replica.
// On one machine replicas share its cores: the figures say what a second process of each service buys
// (or costs) on this box, not what a second node would. The two set-ups alternate, round after round
// (1, N, 1, N…), so that a shared machine's load falls on both alike. Prints; asserts nothing.
//
//   BENCH_REPLICAS=2              processes of every service in the second set-up
//   BENCH_REPLICAS_ROUNDS=2       rounds of (1 replica, then BENCH_REPLICAS)
//   BENCH_REPLICAS_RATES=10,20    calls/s offered, one phase each, in every run
//   BENCH_REPLICAS_PHASE_S=30     seconds of call placement per rate
//   BENCH_SYSTEM_PROBE_SHARE=0.1  share of each rate placed by the own UAC
import '../scripts/load-env';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@ivr/testkit/payment-system';
import type { CallResult } from './calls/payment-call';
import { ownUacPhase, toResult } from './calls/phases';
import { loadAverage, PHONE, placeAt, ratesFromEnv } from './calls/rate';
import { type CallRig, startCallRig } from './calls/rig';
import { between, CpuAccounts, infraPid, POSTGRES_OURS } from './cpu/accounts';
import { beginRun, FIGURES_DIR } from './figures';
import { createPayments, sippPhase } from './sipp/phase';
import { fmt, printColumns } from './stats';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
const ROUNDS = Number(process.env.BENCH_REPLICAS_ROUNDS ?? 2);
const RATES = ratesFromEnv('BENCH_REPLICAS_RATES', '10,20');
const PHASE_S = Number(process.env.BENCH_REPLICAS_PHASE_S ?? 30);
const PROBE_SHARE = Number(process.env.BENCH_SYSTEM_PROBE_SHARE ?? 0.1);
/** After a phase's last call, its last events (payment completed, webhooks) still run: counted in its window. */
const SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ReplicaPhase {
  replicas: number;
  offeredPerS: number;
  completed: number;
  failed: number;
  paymentsPerS: number;
  peakConcurrent: number;
  toResultP50Ms: number;
  toResultP99Ms: number;
  /** CPU of every service process, summed, per completed payment (ms). */
  servicesCpuMsPerPayment: number;
  /** The PostgreSQL backends serving this run's services, per completed payment (ms). */
  postgresCpuMsPerPayment: number;
  loadBefore: string;
  loadAfter: string;
  failures: string;
}

/** One rate: SIPp places (1 - PROBE_SHARE) of it through the proxy, the own UAC the rest. */
async function phase(rig: CallRig, replicas: number, rate: number, accounts: CpuAccounts): Promise<ReplicaPhase> {
  const probeRate = rate * PROBE_SHARE;
  const sippRate = rate - probeRate;
  const count = Math.ceil(sippRate * PHASE_S);
  const payments = await createPayments(rig, count);
  const before = accounts.totals();
  const loadBefore = loadAverage();
  const [sipp, probe] = await Promise.all([
    sippPhase(rig, { tag: `x${replicas}-r${rate}`, ratePerS: sippRate, count, payments }),
    probeRate > 0 ? ownUacPhase(rig, probeRate, PHASE_S) : undefined,
  ]);
  await sleep(SETTLE_MS);
  const cpu = between(before, accounts.totals());
  const results: CallResult[] = [...sipp.results, ...(probe?.results ?? [])];
  const completed = results.filter((r) => r.ok).length;
  const per = (seconds: number) => (completed > 0 ? (seconds * 1000) / completed : Number.NaN);
  const services = rig.system.instances().reduce((sum, name) => sum + (cpu[name] ?? 0), 0);
  const latency = toResult(probe?.results ?? []);
  return {
    replicas,
    offeredPerS: rate,
    completed,
    failed: results.length - completed,
    paymentsPerS: completed / PHASE_S,
    peakConcurrent: sipp.figures.peakConcurrent + (probe?.figures.peakConcurrent ?? 0),
    toResultP50Ms: latency.p50,
    toResultP99Ms: latency.p99,
    servicesCpuMsPerPayment: per(services),
    postgresCpuMsPerPayment: per(cpu[POSTGRES_OURS] ?? 0),
    loadBefore,
    loadAfter: loadAverage(),
    failures: [sipp.figures, probe?.figures]
      .filter((f) => f?.failed)
      .map((f) => `${f?.generator}: ${f?.failures}`)
      .join('; '),
  };
}

async function run(replicas: number): Promise<ReplicaPhase[]> {
  console.log(`starting the whole system with ${replicas} of every service (load ${loadAverage()})...`);
  const rig = await startCallRig({ tag: `bench-replicas-${replicas}`, replicas, proxy: true });
  const pids = Object.fromEntries(rig.system.instances().map((n) => [n, rig.system.service(n).pid as number]));
  const pgPid = infraPid('postgres');
  const pgPort = Number(new URL(process.env.IVR_TEST_DATABASE_URL ?? 'postgres://x:1/').port);
  const accounts = new CpuAccounts({ services: pids, ...(pgPid ? { postgres: { pid: pgPid, port: pgPort } } : {}) });
  const phases: ReplicaPhase[] = [];
  try {
    // First calls of each generator (and of each replica) pay for JIT and connection set-up.
    await placeAt(rig.ctx, 'warm', 2, 2 * replicas, PHONE);
    await sippPhase(rig, { tag: `warm${replicas}`, ratePerS: 2, count: 2 * replicas });
    accounts.start();
    for (const rate of RATES) {
      console.log(`  ${replicas} × every service: ${rate} calls/s for ${PHASE_S} s (load ${loadAverage()})...`);
      phases.push(await phase(rig, replicas, rate, accounts));
    }
  } finally {
    accounts.stop();
    await rig.stop();
  }
  return phases;
}

async function main(): Promise<void> {
  const command = `BENCH_REPLICAS=${REPLICAS} BENCH_REPLICAS_ROUNDS=${ROUNDS} BENCH_REPLICAS_RATES=${RATES.join(',')} BENCH_REPLICAS_PHASE_S=${PHASE_S} BENCH_SYSTEM_PROBE_SHARE=${PROBE_SHARE} make bench-replicas`;
  const header = beginRun(command);
  const runs: Array<{ round: number; phases: ReplicaPhase[] }> = [];
  for (let round = 1; round <= ROUNDS; round++)
    for (const replicas of [1, REPLICAS]) runs.push({ round, phases: await run(replicas) });
  const all = runs.flatMap((r) => r.phases.map((p) => ({ round: r.round, ...p })));
  const figures = { kind: 'replicas', ...header(), services: SERVICE_NAMES, phases: all };
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `replicas-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);

  printColumns(
    `Payments/s with 1 and ${REPLICAS} processes of every service, alternating in one run (${header().cores} cores; commit ${header().commit})`,
    [
      'round',
      'replicas',
      'completed payments/s',
      'last key → result p50/p99',
      'CPU per payment: services + PostgreSQL',
      'load before → after',
    ],
    RATES.flatMap((rate) =>
      all
        .filter((p) => p.offeredPerS === rate)
        .map((p, i) => [
          i === 0 ? `${rate}/s` : '',
          String(p.round),
          String(p.replicas),
          `${fmt(p.paymentsPerS, 1)}/s (${p.completed} ok, ${p.failed} failed, ${p.peakConcurrent} up at once)`,
          `${fmt(p.toResultP50Ms, 0)}/${fmt(p.toResultP99Ms, 0)} ms`,
          `${fmt(p.servicesCpuMsPerPayment, 0)} + PG ${fmt(p.postgresCpuMsPerPayment, 0)} ms`,
          `${p.loadBefore} → ${p.loadAfter}`,
        ]),
    ),
  );
  for (const p of all)
    if (p.failed) console.log(`\nround ${p.round}, ${p.replicas} × at ${p.offeredPerS}/s failures: ${p.failures}`);
  console.log(`\nfigures: ${file}`);
  console.log(`reproduce: ${command}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
