// Complete payment calls through the whole system (`make bench-calls`): the five services as real
// processes with the PSP simulator at zero latency (@ivr/testkit/payment-system), driven by two
// load generators in one run, side by side at each rate: SIPp (Debian's sip-tester, the scenario
// bench/sipp/payment-call.xml: INVITE with SDP, RFC 4733 keys from pcaps, REFER answered 202 + NOTIFY,
// BYE) and the project's own UAC (bench/calls/: the same call, paced by what it hears and by the
// call's steps on Kafka). Then a concurrency hold of each, and last keypress → result prompt over
// the own UAC's calls (SIPp does not hear prompts). Each phase is bounded in time and count.
// Prints; asserts nothing.
//
//   BENCH_CALLS_RATES=5,10,20,50  setups/s of the ramp, one phase per rate and generator
//   BENCH_CALLS_PHASE_S=10        seconds of call placement per phase
//   BENCH_CALLS_HOLD=500          calls held at once in the hold phase of each generator (0 skips it)
//   BENCH_CALLS_HOLD_RATE=50      setups/s while the hold fills
//   BENCH_SIPP_MARGIN_MS=1000     SIPp keys a field this long after its prompt should have ended
//   BENCH_SIPP_VIA_PROXY=1        SIPp's calls go through the SIP proxy (Kamailio) in front of call-control
import '../scripts/load-env';
import os from 'node:os';
import type { CallResult } from './calls/payment-call';
import {
  comparisonRows,
  type GeneratorFigures,
  holdPhase,
  holdRows,
  ownUacPhase,
  toFirstAudio,
  toResult,
} from './calls/phases';
import { loadAverage, PHONE, placeAt, ratesFromEnv } from './calls/rate';
import { startCallRig } from './calls/rig';
import { beginRun } from './figures';
import { sipCeiling } from './sipp/ceiling';
import { sippPhase } from './sipp/phase';
import { fmt, printColumns, printTable } from './stats';

const RATES = ratesFromEnv('BENCH_CALLS_RATES', '5,10,20,50');
const PHASE_S = Number(process.env.BENCH_CALLS_PHASE_S ?? 10);
const HOLD = Number(process.env.BENCH_CALLS_HOLD ?? 500);
const HOLD_RATE = Number(process.env.BENCH_CALLS_HOLD_RATE ?? 50);
/** The hold parks each call before the card number until all are up, at most this long (first-digit timeout 15 s). */
const HOLD_PARK_MS = 10_000;
const VIA_PROXY = process.env.BENCH_SIPP_VIA_PROXY === '1';
const HEADS = [VIA_PROXY ? 'SIPp 3.6.1 via Kamailio' : 'SIPp 3.6.1', 'own UAC (bench/calls)'];

async function main(): Promise<void> {
  const command = `${VIA_PROXY ? 'BENCH_SIPP_VIA_PROXY=1 ' : ''}BENCH_CALLS_RATES=${RATES.join(',')} BENCH_CALLS_PHASE_S=${PHASE_S} BENCH_CALLS_HOLD=${HOLD} BENCH_CALLS_HOLD_RATE=${HOLD_RATE} make bench-calls`;
  const header = beginRun(command);
  console.log("raw ceiling: SIPp's uac against its uas...");
  const ceilingLoad = loadAverage();
  const ceiling = await sipCeiling();
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rig = await startCallRig({ tag: 'bench-calls', proxy: VIA_PROXY });
  const own: CallResult[] = [];
  const tables: Array<{ title: string; rows: string[][] }> = [];
  const notes: string[] = [];
  const note = (f: GeneratorFigures, what: string) => {
    if (f.failed) notes.push(`${f.generator}, ${what}: ${f.failures}`);
  };
  try {
    // First calls of each generator pay for JIT and connection set-up.
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE);
    await sippPhase(rig, { tag: 'warm', ratePerS: 2, count: 2 });
    for (const rate of RATES) {
      console.log(`  ${rate} calls/s for ${PHASE_S} s: SIPp, then the own UAC (load ${loadAverage()})...`);
      const sipp = await sippPhase(rig, { tag: `r${rate}`, ratePerS: rate, count: Math.ceil(rate * PHASE_S) });
      const mine = await ownUacPhase(rig, rate, PHASE_S);
      own.push(...mine.results);
      tables.push({
        title: `${rate} calls/s offered for ${PHASE_S} s`,
        rows: comparisonRows(sipp.figures, mine.figures),
      });
      note(sipp.figures, `${rate}/s`);
      note(mine.figures, `${rate}/s`);
    }
    if (HOLD > 0) {
      console.log(`  hold: ${HOLD} calls at ${HOLD_RATE}/s, SIPp then the own UAC (load ${loadAverage()})...`);
      const parkMs = Math.min(HOLD_PARK_MS, (HOLD / HOLD_RATE) * 1000);
      const sipp = await sippPhase(rig, { tag: 'hold', ratePerS: HOLD_RATE, count: HOLD, parkMs });
      const mine = await holdPhase(rig, HOLD, HOLD_RATE);
      own.push(...mine.results);
      const [placed, peak, outcome, load] = holdRows(mine.figures).map(([, v]) => v);
      tables.push({
        title: `Held at once: ${HOLD} calls placed at ${HOLD_RATE}/s, each parked before the card number until all are up`,
        rows: [
          ['calls placed', `${HOLD} at ${HOLD_RATE}/s`, placed ?? ''],
          ['peak calls up at once', String(sipp.figures.peakConcurrent), peak ?? ''],
          ['completed / failed', `${sipp.figures.completed} / ${sipp.figures.failed}`, outcome ?? ''],
          ['load average before → after', `${sipp.figures.loadBefore} → ${sipp.figures.loadAfter}`, load ?? ''],
        ],
      });
      note(sipp.figures, 'hold');
      if (mine.figures.failed) notes.push(`own UAC, hold: ${mine.figures.failures}`);
    }
  } finally {
    await rig.stop();
  }
  const h = header();
  printTable(`Raw ceiling, same run (commit ${h.commit}, ${h.cores} cores, load ${ceilingLoad})`, [
    [
      "SIP calls/s, SIPp's uac against its uas (INVITE to BYE, no media, at most 50 open)",
      `${fmt(ceiling.callsPerS, 0)}${ceiling.allSucceeded ? '' : ' (some calls failed)'}`,
    ],
  ]);
  for (const t of tables) printColumns(t.title, HEADS, t.rows);
  const result = toResult(own);
  const audio = toFirstAudio(own);
  printTable("Last keypress (end of the last security code digit) → prompt, over the own UAC's completed calls", [
    [
      '→ first packet of the result prompt ("approved")',
      `p50 ${fmt(result.p50, 0)} / p99 ${fmt(result.p99, 0)} / max ${fmt(result.max, 0)} ms (n=${result.n})`,
    ],
    [
      '→ first audible packet ("please wait")',
      `p50 ${fmt(audio.p50, 0)} / p99 ${fmt(audio.p99, 0)} / max ${fmt(audio.max, 0)} ms (n=${audio.n})`,
    ],
  ]);
  for (const n of notes) console.log(`\n${n}`);
  console.log(
    `\nSIPp's payments are created over the API before its phase; the own UAC creates each during its call.` +
      `\nSIP retransmissions by the own UAC: ${rig.uac.retransmissions}, unparsable messages received: ${rig.uac.malformed}`,
  );
  console.log(
    `load average now: ${loadAverage()} (${os.cpus().length} cores; other engineers' tests share the machine)`,
  );
  console.log(`reproduce: ${command}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
