// The system run (`make bench-system`): in one run, the raw ceilings of this machine's PostgreSQL,
// Kafka and SIP (SIPp against SIPp), then the whole product under payment calls over SIP/RTP:
// payments completed per second at increasing steady rates, calls held at once, last keypress →
// result prompt p50/p99. The calls are SIPp's (bench/sipp/payment-call.xml), with the CPU of the
// SIPp process reported apart; a share of each rate is placed by the project's own UAC instead,
// because only it hears the prompts: the last keypress → result figures are over its calls. Writes
// the figures to .var/bench/system-<time>.json, prints them, and renders docs/img/system-bench.png.
// Bounded: about six minutes with the defaults. Prints; asserts nothing.
//
//   BENCH_SYSTEM_RATES=5,10,20,40  calls/s offered, one phase each
//   BENCH_SYSTEM_PHASE_S=30        seconds of call placement per rate (a call lasts ~20-40 s: shorter
//                                  phases end before the calls up at once reach their steady number)
//   BENCH_SYSTEM_PROBE_SHARE=0.1   share of each rate placed by the own UAC (the latency probes)
//   BENCH_SYSTEM_HOLD=300          calls held at once, by SIPp (0 skips the hold)
//   BENCH_SYSTEM_HOLD_RATE=30      calls/s while the hold fills
//   BENCH_SYSTEM_CEILING_S=5       seconds of plain INSERTs; Kafka gets 20,000 records
//   BENCH_SYSTEM_PSP_LATENCY_MS=0  the PSP simulator's latency (every request: the card's registration and
//                                  its payment), one round of the rates each, e.g. 0,200: the PSP's own time
//                                  is added to last key → result, never hidden
//   BENCH_SIPP_MARGIN_MS=1000      SIPp keys a field this long after its prompt should have ended
//   BENCH_SIPP_VIA_PROXY=1         SIPp's calls go through the SIP proxy (Kamailio) in front of call-control
//
// Where the CPU goes (bench/cpu/): every process's CPU time from /proc over each phase (each service,
// the PostgreSQL backends serving them apart from the rest of the server, the Kafka broker; SIPp and
// this process, the own UAC with the PSP simulator, apart), per completed payment, split into media
// (the vault's RTP work, priced per call-second by a media phase: calls held with nothing but RTP
// going on) and the rest; and a CPU profile of every service over one rate phase, drawn as flame
// graphs into docs/perf/<service>.svg.
//   BENCH_SYSTEM_QUIET_S=10        seconds the shared PostgreSQL and Kafka are watched before the run
//   BENCH_SYSTEM_IDLE_S=10         seconds the system is watched up with no calls
//   BENCH_SYSTEM_MEDIA_CALLS=120   calls of the media phase (0 skips it), placed at
//   BENCH_SYSTEM_MEDIA_RATE=40     this rate, each parked 10 s before its card number
//   BENCH_SYSTEM_PROFILE_RATE=10   the rate phase profiled (0: none; the services then run without an inspector)
import '../scripts/load-env';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createPgPool } from '@ivr/eventstore';
import { createKafka } from '@ivr/kafka';
import type { CallResult } from './calls/payment-call';
import {
  type GeneratorFigures,
  type HoldFigures,
  holdRows,
  ownUacPhase,
  rateRow,
  toFirstAudio,
  toResult,
} from './calls/phases';
import { loadAverage, PHONE, placeAt, ratesFromEnv } from './calls/rate';
import { type CallRig, startCallRig } from './calls/rig';
import { plainInsertCeiling, producerPerformanceCeiling } from './ceilings';
import { between, CpuAccounts, type CpuTotals, infraPid } from './cpu/accounts';
import { writeCpuSection } from './cpu/doc';
import { type CpuFigures, type CpuPhase, type MediaFigures, phaseRows, ratesOver, VAULT } from './cpu/figures';
import { PhaseProfiler, PROFILE_NODE_OPTIONS } from './cpu/profiler';
import { beginRun, FIGURES_DIR, type SystemRate, type SystemRun, writeFigures } from './figures';
import { type ProfileFigures, renderProfile } from './flame/render';
import { renderBenchPlot } from './plot/render';
import { CONFIRM_REPEAT_MS } from './sipp/caller-media';
import { sipCeiling } from './sipp/ceiling';
import { createPayments, sippPhase } from './sipp/phase';
import { fmt, printTable } from './stats';

const RATES = ratesFromEnv('BENCH_SYSTEM_RATES', '5,10,20,40');
const PSP_LATENCIES = (process.env.BENCH_SYSTEM_PSP_LATENCY_MS ?? '0').split(',').map(Number);
const PHASE_S = Number(process.env.BENCH_SYSTEM_PHASE_S ?? 30);
const HOLD = Number(process.env.BENCH_SYSTEM_HOLD ?? 300);
const HOLD_RATE = Number(process.env.BENCH_SYSTEM_HOLD_RATE ?? 30);
const PROBE_SHARE = Number(process.env.BENCH_SYSTEM_PROBE_SHARE ?? 0.1);
const VIA_PROXY = process.env.BENCH_SIPP_VIA_PROXY === '1';
/** The hold parks each call before the card number until all are up, at most this long (first-digit timeout 15 s). */
const HOLD_PARK_MS = 10_000;
const CEILING_S = Number(process.env.BENCH_SYSTEM_CEILING_S ?? 5);
const KAFKA_RECORDS = 20_000;
const INSERT_LANES = 16;
const QUIET_S = Number(process.env.BENCH_SYSTEM_QUIET_S ?? 10);
const IDLE_S = Number(process.env.BENCH_SYSTEM_IDLE_S ?? 10);
const MEDIA_CALLS = Number(process.env.BENCH_SYSTEM_MEDIA_CALLS ?? 120);
const MEDIA_RATE = Number(process.env.BENCH_SYSTEM_MEDIA_RATE ?? 40);
const PROFILE_RATE = Number(process.env.BENCH_SYSTEM_PROFILE_RATE ?? 10);
/** After a phase's last call, its last events (payment completed, webhooks) still run: counted in its window. */
const SETTLE_MS = 3000;
const SERVICES = ['call-control', 'dtmf-vault', 'authorization', 'order-link', 'notification'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PostgreSQL and Kafka of this machine, for the CPU accounts (each absent if its pid file is). */
function infrastructure() {
  const pgPid = infraPid('postgres');
  const pgPort = Number(new URL(process.env.IVR_TEST_DATABASE_URL ?? 'postgres://x:1/').port);
  const kafkaPid = infraPid('kafka');
  return { ...(pgPid ? { postgres: { pid: pgPid, port: pgPort } } : {}), ...(kafkaPid ? { kafkaPid } : {}) };
}

/** The shared PostgreSQL's and Kafka's CPU before the run: what other sessions make them do anyway. */
async function quietRates(): Promise<CpuFigures['quiet']> {
  const accounts = new CpuAccounts({ services: {}, ...infrastructure() });
  accounts.start();
  await sleep(QUIET_S * 1000);
  const totals = accounts.totals();
  accounts.stop();
  return ratesOver(totals, QUIET_S);
}

async function measureCeilings(): Promise<SystemRun['ceilings']> {
  const dbUrl = process.env.IVR_TEST_DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!dbUrl || brokers.length === 0)
    throw new Error('run `make up-infra` first (IVR_TEST_DATABASE_URL, KAFKA_BROKERS)');
  const loadBefore = loadAverage();
  const suffix = randomBytes(3).toString('hex');
  const schema = `bench_system_${suffix}`;
  const topic = `bench.system.${suffix}`;
  const pool = createPgPool(dbUrl, { applicationName: 'bench-system', max: INSERT_LANES + 2 });
  const admin = createKafka({ brokers, clientId: 'bench-system' }).admin();
  try {
    await pool.query(`create schema "${schema}"`);
    const plainInsertsPerS = await plainInsertCeiling(pool, schema, CEILING_S * 1000, INSERT_LANES);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
    const kafkaRecordsPerS = producerPerformanceCeiling(brokers[0] as string, topic, KAFKA_RECORDS);
    const sip = await sipCeiling();
    return {
      plainInsertsPerS,
      insertLanes: INSERT_LANES,
      kafkaRecordsPerS,
      kafkaRecords: KAFKA_RECORDS,
      sipCallsPerS: sip.callsPerS,
      loadBefore,
      loadAfter: loadAverage(),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

/**
 * One rate: SIPp places (1 - PROBE_SHARE) of it and the own UAC the rest, at the same time, for
 * PHASE_S seconds; the payments SIPp keys are created before either starts.
 */
async function ratePhase(
  rig: CallRig,
  rate: number,
  accounts: CpuAccounts,
  profiler: PhaseProfiler | undefined,
  pspLatencyMs: number,
): Promise<{ figures: SystemRate; results: CallResult[]; cpu: CpuPhase; profiles?: ProfileFigures[] }> {
  const probeRate = rate * PROBE_SHARE;
  const sippRate = rate - probeRate;
  const count = Math.ceil(sippRate * PHASE_S);
  const cpuBefore = accounts.totals();
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  await profiler?.start(PROFILE_INTERVAL_US);
  const payments = await createPayments(rig, count);
  const [sipp, probe] = await Promise.all([
    sippPhase(rig, { tag: `r${rate}`, ratePerS: sippRate, count, payments }),
    probeRate > 0 ? ownUacPhase(rig, probeRate, PHASE_S) : undefined,
  ]);
  const results = [...sipp.results, ...(probe?.results ?? [])];
  const probes = probe?.results ?? [];
  const completed = results.filter((r) => r.ok).length;
  const parts = [sipp.figures, ...(probe ? [probe.figures] : [])];
  const figures: SystemRate = {
    offeredPerS: rate,
    pspLatencyMs,
    placementSeconds: PHASE_S,
    seconds: Math.max(...parts.map((p) => p.seconds)),
    completed,
    failed: results.length - completed,
    paymentsPerS: completed / PHASE_S,
    peakConcurrent: parts.reduce((n, p) => n + p.peakConcurrent, 0),
    toResultMs: toResult(probes),
    toFirstAudioMs: toFirstAudio(probes),
    loadBefore: sipp.figures.loadBefore,
    loadAfter: loadAverage(),
    failures: parts
      .map((p) => (p.failed ? `${p.generator}: ${p.failures}` : ''))
      .filter(Boolean)
      .join('; '),
    sipp: sipp.figures,
    ...(probe ? { probe: probe.figures } : {}),
  };
  await sleep(SETTLE_MS);
  const profileDir = join(FIGURES_DIR, 'profiles', `${new Date().toISOString().replace(/[:.]/g, '-')}-r${rate}`);
  const files = await profiler?.stop(profileDir);
  const bench = process.cpuUsage(benchBefore);
  const cpu: CpuPhase = {
    label: `${rate}/s${pspLatencyMs ? `, PSP ${pspLatencyMs} ms` : ''}`,
    offeredPerS: rate,
    seconds: (performance.now() - started) / 1000,
    payments: completed,
    callSeconds: results.reduce((s, r) => s + (r.upMs ?? 0), 0) / 1000,
    accounts: between(cpuBefore, accounts.totals()),
    generators: { sippSeconds: sipp.figures.cpuSeconds, benchSeconds: (bench.user + bench.system) / 1e6 },
    profiled: profiler !== undefined,
  };
  const caption = `make bench-system, ${rate} calls/s for ${PHASE_S} s (${completed} payments), commit ${gitCommitShort()}, load ${figures.loadBefore} → ${figures.loadAfter}`;
  const profiles = files ? Object.values(files).map((f) => renderProfile(f, caption)) : undefined;
  return { figures, results, cpu, ...(profiles ? { profiles } : {}) };
}

/** Sampling interval of the profiler: 2 ms keeps its own cost to a few per cent. */
const PROFILE_INTERVAL_US = 2000;

const gitCommitShort = () => beginRun('')().commit;

/**
 * The media phase: MEDIA_CALLS calls by SIPp, each parked 10 s before its card number. Between a
 * call's second "1" (keyed 2.5 s after the first) and its card number only RTP flows (the vault sends
 * a packet every 20 ms, prompt or silence): the window in which every call is there is priced per
 * call-second, the vault's idle rate taken out.
 */
async function mediaPhase(rig: CallRig, accounts: CpuAccounts, idle: CpuFigures['idle']): Promise<MediaFigures> {
  const parkMs = HOLD_PARK_MS;
  const phase = await sippPhase(rig, { tag: 'media', ratePerS: MEDIA_RATE, count: MEDIA_CALLS, parkMs });
  const [confirm = 0, card = 0] = phase.schedule.waitMs;
  const answered = phase.times.map((t) => t.answered).filter((t): t is number => t !== undefined);
  if (answered.length < MEDIA_CALLS) console.log(`  media phase: ${MEDIA_CALLS - answered.length} calls not answered`);
  // After the second "1" has been keyed and handled; before the card number's first key; 0.5 s inside both.
  const from = Math.max(...answered) + confirm + CONFIRM_REPEAT_MS + 1000 + 500;
  const to = Math.min(...answered) + confirm + card + parkMs - 500;
  const windowSeconds = Math.max(0, (to - from) / 1000);
  const vaultSeconds = windowSeconds > 0 ? accounts.secondsBetween(VAULT, from, to) : 0;
  const net = vaultSeconds - (idle.perSecond[VAULT] ?? 0) * windowSeconds;
  return {
    calls: answered.length,
    windowSeconds,
    vaultSeconds,
    vaultMsPerCallSecond: windowSeconds > 0 ? (net * 1000) / (answered.length * windowSeconds) : Number.NaN,
  };
}

async function main(): Promise<void> {
  // The CPU phases' settings only where they differ from their defaults.
  const cpuSettings = Object.entries({
    BENCH_SYSTEM_MEDIA_CALLS: [MEDIA_CALLS, 120],
    BENCH_SYSTEM_MEDIA_RATE: [MEDIA_RATE, 40],
    BENCH_SYSTEM_PROFILE_RATE: [PROFILE_RATE, 10],
    BENCH_SYSTEM_PSP_LATENCY_MS: [PSP_LATENCIES.join(','), '0'],
  })
    .filter(([, [v, d]]) => v !== d)
    .map(([k, [v]]) => `${k}=${v} `)
    .join('');
  const command = `${VIA_PROXY ? 'BENCH_SIPP_VIA_PROXY=1 ' : ''}${cpuSettings}BENCH_SYSTEM_RATES=${RATES.join(',')} BENCH_SYSTEM_PHASE_S=${PHASE_S} BENCH_SYSTEM_PROBE_SHARE=${PROBE_SHARE} BENCH_SYSTEM_HOLD=${HOLD} BENCH_SYSTEM_HOLD_RATE=${HOLD_RATE} BENCH_SYSTEM_CEILING_S=${CEILING_S} make bench-system`;
  const header = beginRun(command);
  console.log(`the shared PostgreSQL and Kafka for ${QUIET_S} s before the run (load ${loadAverage()})...`);
  const quiet = await quietRates();
  console.log(
    `raw ceilings: plain INSERTs for ${CEILING_S} s, Kafka ProducerPerformance ${KAFKA_RECORDS} records, SIPp against SIPp...`,
  );
  const ceilings = await measureCeilings();
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rig = await startCallRig({
    tag: 'bench-system',
    proxy: VIA_PROXY,
    ...(PROFILE_RATE > 0 ? { serviceNodeOptions: PROFILE_NODE_OPTIONS } : {}),
  });
  const all: CallResult[] = [];
  const rates: SystemRate[] = [];
  let hold: (HoldFigures & { sipp: GeneratorFigures }) | undefined;
  const pids = Object.fromEntries(SERVICES.map((n) => [n, rig.system.service(n).pid as number]));
  const accounts = new CpuAccounts({ services: pids, ...infrastructure() });
  const cpu: CpuFigures = { quiet, idle: { seconds: 0, perSecond: {} }, phases: [] };
  let profiles: ProfileFigures[] | undefined;
  const profiler =
    PROFILE_RATE > 0
      ? await PhaseProfiler.attach(Object.fromEntries(SERVICES.map((n) => [n, rig.system.service(n).output()])))
      : undefined;
  try {
    // First calls of each generator pay for JIT and connection set-up.
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE);
    await sippPhase(rig, { tag: 'warm', ratePerS: 2, count: 2 });
    accounts.start();
    console.log(`  the system with no calls for ${IDLE_S} s (load ${loadAverage()})...`);
    await sleep(IDLE_S * 1000);
    cpu.idle = ratesOver(accounts.totals(), IDLE_S);
    if (MEDIA_CALLS > 0) {
      console.log(
        `  media: ${MEDIA_CALLS} calls at ${MEDIA_RATE}/s held before the card number (load ${loadAverage()})...`,
      );
      cpu.media = await mediaPhase(rig, accounts, cpu.idle);
    }
    for (const [round, latencyMs] of PSP_LATENCIES.entries()) {
      await rig.system.pspFault({ mode: 'none', latencyMs });
      for (const rate of RATES) {
        console.log(`  ${rate} calls/s for ${PHASE_S} s, PSP ${latencyMs} ms (load ${loadAverage()})...`);
        // Profiled once: the first round's PROFILE_RATE.
        const profiled = round === 0 && rate === PROFILE_RATE ? profiler : undefined;
        const phase = await ratePhase(rig, rate, accounts, profiled, latencyMs);
        all.push(...phase.results);
        rates.push(phase.figures);
        cpu.phases.push(phase.cpu);
        profiles ??= phase.profiles;
      }
    }
    await rig.system.pspFault('clear');
    if (HOLD > 0) {
      console.log(`  hold: ${HOLD} calls at ${HOLD_RATE}/s (load ${loadAverage()})...`);
      const parkMs = Math.min(HOLD_PARK_MS, (HOLD / HOLD_RATE) * 1000);
      const phase = await sippPhase(rig, { tag: 'hold', ratePerS: HOLD_RATE, count: HOLD, parkMs });
      const f = phase.figures;
      hold = {
        placed: HOLD,
        placedPerS: HOLD_RATE,
        completed: f.completed,
        failed: f.failed,
        peakConcurrent: f.peakConcurrent,
        loadBefore: f.loadBefore,
        loadAfter: f.loadAfter,
        failures: f.failures,
        sipp: f,
      };
    }
  } finally {
    accounts.stop();
    profiler?.close();
    await rig.stop();
  }
  const run: SystemRun = {
    kind: 'system',
    ...header(),
    ceilings,
    generator: 'SIPp',
    probeShare: PROBE_SHARE,
    rates,
    ...(hold ? { hold } : {}),
    toResultMs: toResult(all),
    toFirstAudioMs: toFirstAudio(all),
    loadAtEnd: loadAverage(),
    cpu,
    ...(profiles ? { profiles } : {}),
  };
  const file = writeFigures(run);
  printSystemRun(run);
  console.log(`\nfigures: ${file}`);
  console.log(`plot: ${await renderBenchPlot()}`);
  if (run.cpu) {
    writeCpuSection(run);
    console.log('docs/performance.md: its CPU section written from this run');
  }
  console.log(`reproduce: ${command}`);
}

function generatorRow(rate: number, g: GeneratorFigures): [string, string] {
  return [
    `${rate}/s: ${g.generator} placed ${fmt(g.offeredPerS, 1)}/s`,
    `${fmt(g.cpuSeconds, 1)} CPU s, ${fmt(g.cpuMsPerCall, 0)} ms/call; ${g.completed} completed, ${g.failed} failed` +
      `, setup p50/p99 ${fmt(g.setupMs.p50, 0)}/${fmt(g.setupMs.p99, 0)} ms, last key → REFER p50/p99 ${fmt(g.toReferMs.p50, 0)}/${fmt(g.toReferMs.p99, 0)} ms`,
  ];
}

function printSystemRun(run: SystemRun): void {
  const c = run.ceilings;
  printTable(`Raw ceilings, same run (load ${c.loadBefore} → ${c.loadAfter}, ${run.cores} cores)`, [
    [`plain PostgreSQL INSERTs/s (${c.insertLanes} lanes, one row per transaction)`, fmt(c.plainInsertsPerS, 0)],
    [`Kafka ProducerPerformance records/s (${c.kafkaRecords}, acks=all, idempotent)`, fmt(c.kafkaRecordsPerS, 0)],
    ...(c.sipCallsPerS !== undefined
      ? [
          [
            "SIP calls/s, SIPp's uac against its uas (INVITE to BYE, no media, at most 50 open)",
            fmt(c.sipCallsPerS, 0),
          ] as [string, string],
        ]
      : []),
  ]);
  printTable(
    `Whole system: payment calls at steady rates (SIPp, ${fmt((run.probeShare ?? 0) * 100, 0)} % by the own UAC; SIP + RTP, the PSP simulator at the latency named)`,
    run.rates.map((f) => {
      const [label, text] = rateRow(f);
      return [`${label}, PSP ${f.pspLatencyMs ?? 0} ms`, text];
    }),
  );
  printTable(
    'Load generators: CPU apart from the system (SIPp from /proc/<pid>/stat; own UAC = the bench process)',
    run.rates.flatMap((f) => [
      ...(f.sipp ? [generatorRow(f.offeredPerS, f.sipp)] : []),
      ...(f.probe ? [generatorRow(f.offeredPerS, f.probe)] : []),
    ]),
  );
  if (run.hold) printTable('Whole system: calls held at once (SIPp)', holdRows(run.hold));
  const r = run.toResultMs;
  const a = run.toFirstAudioMs;
  printTable('Last keypress → prompt, over every completed call of the own UAC (SIPp does not hear prompts)', [
    [
      '→ first packet of the result prompt',
      `p50 ${fmt(r.p50, 0)} / p99 ${fmt(r.p99, 0)} / max ${fmt(r.max, 0)} ms (n=${r.n})`,
    ],
    [
      '→ first audible packet ("please wait")',
      `p50 ${fmt(a.p50, 0)} / p99 ${fmt(a.p99, 0)} / max ${fmt(a.max, 0)} ms (n=${a.n})`,
    ],
  ]);
  if (run.cpu) printCpu(run.cpu);
  for (const p of run.profiles ?? [])
    printTable(
      `Profile of ${p.service} (${p.busySamples} busy samples, every ${fmt(p.intervalUs, 0)} µs): own samples by package; ${p.svg}`,
      p.packages.slice(0, 8).map((x) => [x.pkg, `${fmt(x.share * 100, 1)} %`]),
    );
  for (const f of run.rates) if (f.failed) console.log(`\n${f.offeredPerS}/s failures: ${f.failures}`);
  if (run.hold?.failed) console.log(`\nhold failures: ${run.hold.failures}`);
  console.log(`\nload average at the end: ${run.loadAtEnd}`);
}

function printCpu(cpu: CpuFigures): void {
  const rate = (t: CpuTotals) =>
    Object.entries(t)
      .map(([k, v]) => `${k} ${fmt(v * 1000, 1)}`)
      .join(', ');
  printTable('CPU before and between the calls (/proc; ms of CPU per second)', [
    [`shared infrastructure before the run (${cpu.quiet.seconds} s)`, rate(cpu.quiet.perSecond)],
    [`the system up, no calls (${cpu.idle.seconds} s)`, rate(cpu.idle.perSecond)],
    ...(cpu.media
      ? [
          [
            `media: ${cpu.media.calls} calls held, ${fmt(cpu.media.windowSeconds, 1)} s with only RTP`,
            `vault ${fmt(cpu.media.vaultSeconds, 2)} s: ${fmt(cpu.media.vaultMsPerCallSecond, 2)} ms per call-second (its idle rate out)`,
          ] as [string, string],
        ]
      : []),
  ]);
  for (const p of cpu.phases)
    printTable(
      `CPU per completed payment at ${p.label} (${p.payments} payments, ${fmt(p.seconds, 0)} s${p.profiled ? ', under the profiler' : ''})`,
      phaseRows(p, cpu),
    );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
