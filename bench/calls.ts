// Complete payment calls through the whole system (`make bench-calls`): the five services as real
// processes with the PSP simulator at zero latency (@ivr/testkit/payment-system), and a load
// generator of our own (bench/calls/): payment created over order-link's API, SIP INVITE/ACK, the
// card keyed as RFC 4733 events over RTP, the result prompt heard, REFER and BYE answered.
// Phases: a ramp of call setup rates, a concurrency hold, and last keypress → result prompt
// latency over every completed call. Each phase is bounded in time and count. Prints; asserts nothing.
//
//   BENCH_CALLS_RATES=5,10,20,50  setups/s of the ramp, one phase each
//   BENCH_CALLS_PHASE_S=10        seconds of call placement per ramp phase
//   BENCH_CALLS_HOLD=500          calls held at once in the hold phase (0 skips it)
//   BENCH_CALLS_HOLD_RATE=50      setups/s while the hold fills
import '../scripts/load-env';
import os from 'node:os';
import type { CallResult } from './calls/payment-call';
import { holdPhase, holdRows, ratePhase, rateRow, toFirstAudio, toResult } from './calls/phases';
import { loadAverage, PHONE, placeAt, ratesFromEnv } from './calls/rate';
import { startCallRig } from './calls/rig';
import { fmt, printTable } from './stats';

const RATES = ratesFromEnv('BENCH_CALLS_RATES', '5,10,20,50');
const PHASE_S = Number(process.env.BENCH_CALLS_PHASE_S ?? 10);
const HOLD = Number(process.env.BENCH_CALLS_HOLD ?? 500);
const HOLD_RATE = Number(process.env.BENCH_CALLS_HOLD_RATE ?? 50);

async function main(): Promise<void> {
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rig = await startCallRig({ tag: 'bench-calls' });
  const all: CallResult[] = [];
  const ramp: Array<[string, string]> = [];
  const notes: string[] = [];
  try {
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE); // first calls pay for JIT and connection set-up
    for (const rate of RATES) {
      const { figures, results } = await ratePhase(rig, rate, PHASE_S);
      all.push(...results);
      ramp.push(rateRow(figures));
      if (figures.failed) notes.push(`${rate}/s failures: ${figures.failures}`);
    }
    let hold: Array<[string, string]> = [];
    if (HOLD > 0) {
      const { figures, results } = await holdPhase(rig, HOLD, HOLD_RATE);
      all.push(...results);
      hold = holdRows(figures);
      if (figures.failed) notes.push(`hold failures: ${figures.failures}`);
    }
    const result = toResult(all);
    const audio = toFirstAudio(all);
    printTable('Payment calls: sustained call setups (complete calls, zero latency PSP simulator)', ramp);
    if (hold.length) printTable('Payment calls: held at once', hold);
    printTable('Last keypress (end of the last security code digit) → prompt, over every completed call', [
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
      `\nSIP retransmissions by the generator: ${rig.uac.retransmissions}, unparsable messages received: ${rig.uac.malformed}`,
    );
    console.log(
      `load average now: ${loadAverage()} (${os.cpus().length} cores; other engineers' tests share the machine)`,
    );
    console.log(
      `reproduce: BENCH_CALLS_RATES=${RATES.join(',')} BENCH_CALLS_PHASE_S=${PHASE_S} BENCH_CALLS_HOLD=${HOLD} BENCH_CALLS_HOLD_RATE=${HOLD_RATE} make bench-calls`,
    );
  } finally {
    await rig.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
