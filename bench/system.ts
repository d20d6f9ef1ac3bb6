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
//   BENCH_SIPP_MARGIN_MS=1000      SIPp keys a field this long after its prompt should have ended
//   BENCH_SIPP_VIA_PROXY=1         SIPp's calls go through the SIP proxy (Kamailio) in front of call-control
import '../scripts/load-env';
import { randomBytes } from 'node:crypto';
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
import { beginRun, type SystemRate, type SystemRun, writeFigures } from './figures';
import { renderBenchPlot } from './plot/render';
import { sipCeiling } from './sipp/ceiling';
import { createPayments, sippPhase } from './sipp/phase';
import { fmt, printTable } from './stats';

const RATES = ratesFromEnv('BENCH_SYSTEM_RATES', '5,10,20,40');
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
async function ratePhase(rig: CallRig, rate: number): Promise<{ figures: SystemRate; results: CallResult[] }> {
  const probeRate = rate * PROBE_SHARE;
  const sippRate = rate - probeRate;
  const count = Math.ceil(sippRate * PHASE_S);
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
  return { figures, results };
}

async function main(): Promise<void> {
  const command = `${VIA_PROXY ? 'BENCH_SIPP_VIA_PROXY=1 ' : ''}BENCH_SYSTEM_RATES=${RATES.join(',')} BENCH_SYSTEM_PHASE_S=${PHASE_S} BENCH_SYSTEM_PROBE_SHARE=${PROBE_SHARE} BENCH_SYSTEM_HOLD=${HOLD} BENCH_SYSTEM_HOLD_RATE=${HOLD_RATE} BENCH_SYSTEM_CEILING_S=${CEILING_S} make bench-system`;
  const header = beginRun(command);
  console.log(
    `raw ceilings: plain INSERTs for ${CEILING_S} s, Kafka ProducerPerformance ${KAFKA_RECORDS} records, SIPp against SIPp...`,
  );
  const ceilings = await measureCeilings();
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rig = await startCallRig({ tag: 'bench-system', proxy: VIA_PROXY });
  const all: CallResult[] = [];
  const rates: SystemRate[] = [];
  let hold: (HoldFigures & { sipp: GeneratorFigures }) | undefined;
  try {
    // First calls of each generator pay for JIT and connection set-up.
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE);
    await sippPhase(rig, { tag: 'warm', ratePerS: 2, count: 2 });
    for (const rate of RATES) {
      console.log(`  ${rate} calls/s for ${PHASE_S} s (load ${loadAverage()})...`);
      const { figures, results } = await ratePhase(rig, rate);
      all.push(...results);
      rates.push(figures);
    }
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
  };
  const file = writeFigures(run);
  printSystemRun(run);
  console.log(`\nfigures: ${file}`);
  console.log(`plot: ${await renderBenchPlot()}`);
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
    `Whole system: payment calls at steady rates (SIPp, ${fmt((run.probeShare ?? 0) * 100, 0)} % by the own UAC; SIP + RTP, zero latency PSP simulator)`,
    run.rates.map(rateRow),
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
  for (const f of run.rates) if (f.failed) console.log(`\n${f.offeredPerS}/s failures: ${f.failures}`);
  if (run.hold?.failed) console.log(`\nhold failures: ${run.hold.failures}`);
  console.log(`\nload average at the end: ${run.loadAtEnd}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
