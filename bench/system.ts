// The system run (`make bench-system`): in one run, the raw ceilings of this machine's PostgreSQL and
// Kafka, then the whole product under payment calls over SIP/RTP: payments completed per second at
// increasing steady rates, calls held at once, last keypress → result prompt p50/p99. Writes the
// figures to .var/bench/system-<time>.json, prints them, and renders docs/img/system-bench.png.
// Bounded: about six minutes with the defaults. Prints; asserts nothing.
//
//   BENCH_SYSTEM_RATES=5,10,20,40  calls/s offered, one phase each
//   BENCH_SYSTEM_PHASE_S=30        seconds of call placement per rate (a call lasts ~20-40 s: shorter
//                                  phases end before the calls up at once reach their steady number)
//   BENCH_SYSTEM_HOLD=300          calls held at once (0 skips the hold)
//   BENCH_SYSTEM_HOLD_RATE=30      calls/s while the hold fills
//   BENCH_SYSTEM_CEILING_S=5       seconds of plain INSERTs; Kafka gets 20,000 records
import '../scripts/load-env';
import { randomBytes } from 'node:crypto';
import { createPgPool } from '@ivr/eventstore';
import { createKafka } from '@ivr/kafka';
import type { CallResult } from './calls/payment-call';
import {
  type HoldFigures,
  holdPhase,
  holdRows,
  type RateFigures,
  ratePhase,
  rateRow,
  toFirstAudio,
  toResult,
} from './calls/phases';
import { loadAverage, PHONE, placeAt, ratesFromEnv } from './calls/rate';
import { startCallRig } from './calls/rig';
import { plainInsertCeiling, producerPerformanceCeiling } from './ceilings';
import { beginRun, type SystemRun, writeFigures } from './figures';
import { renderBenchPlot } from './plot/render';
import { fmt, printTable } from './stats';

const RATES = ratesFromEnv('BENCH_SYSTEM_RATES', '5,10,20,40');
const PHASE_S = Number(process.env.BENCH_SYSTEM_PHASE_S ?? 30);
const HOLD = Number(process.env.BENCH_SYSTEM_HOLD ?? 300);
const HOLD_RATE = Number(process.env.BENCH_SYSTEM_HOLD_RATE ?? 30);
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
    return {
      plainInsertsPerS,
      insertLanes: INSERT_LANES,
      kafkaRecordsPerS,
      kafkaRecords: KAFKA_RECORDS,
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

async function main(): Promise<void> {
  const command = `BENCH_SYSTEM_RATES=${RATES.join(',')} BENCH_SYSTEM_PHASE_S=${PHASE_S} BENCH_SYSTEM_HOLD=${HOLD} BENCH_SYSTEM_HOLD_RATE=${HOLD_RATE} BENCH_SYSTEM_CEILING_S=${CEILING_S} make bench-system`;
  const header = beginRun(command);
  console.log(`raw ceilings: plain INSERTs for ${CEILING_S} s, Kafka ProducerPerformance ${KAFKA_RECORDS} records...`);
  const ceilings = await measureCeilings();
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rig = await startCallRig({ tag: 'bench-system' });
  const all: CallResult[] = [];
  const rates: RateFigures[] = [];
  let hold: HoldFigures | undefined;
  try {
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE); // first calls pay for JIT and connection set-up
    for (const rate of RATES) {
      console.log(`  ${rate} calls/s for ${PHASE_S} s (load ${loadAverage()})...`);
      const { figures, results } = await ratePhase(rig, rate, PHASE_S);
      all.push(...results);
      rates.push(figures);
    }
    if (HOLD > 0) {
      console.log(`  hold: ${HOLD} calls at ${HOLD_RATE}/s (load ${loadAverage()})...`);
      const phase = await holdPhase(rig, HOLD, HOLD_RATE);
      all.push(...phase.results);
      hold = phase.figures;
    }
  } finally {
    await rig.stop();
  }
  const run: SystemRun = {
    kind: 'system',
    ...header(),
    ceilings,
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

function printSystemRun(run: SystemRun): void {
  const c = run.ceilings;
  printTable(`Raw ceilings, same run (load ${c.loadBefore} → ${c.loadAfter}, ${run.cores} cores)`, [
    [`plain PostgreSQL INSERTs/s (${c.insertLanes} lanes, one row per transaction)`, fmt(c.plainInsertsPerS, 0)],
    [`Kafka ProducerPerformance records/s (${c.kafkaRecords}, acks=all, idempotent)`, fmt(c.kafkaRecordsPerS, 0)],
  ]);
  printTable(
    'Whole system: payment calls at steady rates (SIP + RTP, zero latency PSP simulator)',
    run.rates.map(rateRow),
  );
  if (run.hold) printTable('Whole system: calls held at once', holdRows(run.hold));
  const r = run.toResultMs;
  const a = run.toFirstAudioMs;
  printTable('Last keypress → prompt, over every completed call', [
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
