// Complete payment calls through the whole system (`make bench-calls`): the five services as real
// processes with the PSP simulator at zero latency (test/support/payment-system.ts), and a load
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
import { PaymentSystem } from '../test/support/payment-system';
import { type CallContext, type CallPacing, type CallResult, placePaymentCall } from './calls/payment-call';
import { resultPromptHeads } from './calls/rtp-leg';
import { SipUac } from './calls/sip-uac';
import { StepWatch } from './calls/step-watch';
import { fmt, printTable, summarize } from './stats';

const RATES = (process.env.BENCH_CALLS_RATES ?? '5,10,20,50')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const PHASE_S = Number(process.env.BENCH_CALLS_PHASE_S ?? 10);
const HOLD = Number(process.env.BENCH_CALLS_HOLD ?? 500);
const HOLD_RATE = Number(process.env.BENCH_CALLS_HOLD_RATE ?? 50);
/** Like a phone: a key held ~120 ms, then a gap of 80 ms. */
const PHONE: CallPacing = { toneMs: 120, gapMs: 80 };
const HOLD_PARK_MS = 10_000; // below the card number's first-digit timeout (15 s)

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

class Concurrency {
  now = 0;
  peak = 0;
  up = () => {
    this.now++;
    this.peak = Math.max(this.peak, this.now);
  };
  down = () => {
    this.now--;
  };
}

interface PhaseFigures {
  results: CallResult[];
  seconds: number;
  loadBefore: string;
  loadAfter: string;
}

/** Places `count` calls at `rate` per second, then waits for all of them to end. */
async function placeAt(
  ctx: CallContext,
  tag: string,
  rate: number,
  count: number,
  pacing: CallPacing,
): Promise<PhaseFigures> {
  const loadBefore = load();
  const started = performance.now();
  const calls: Promise<CallResult>[] = [];
  while (calls.length < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (calls.length < due) {
      const callId = `${tag}-${calls.length}-${Math.floor(Math.random() * 1e9)}@bench`;
      calls.push(placePaymentCall(ctx, callId, pacing).catch((err: Error) => ({ ok: false, failure: err.message })));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const results = await Promise.all(calls);
  return { results, seconds: (performance.now() - started) / 1000, loadBefore, loadAfter: load() };
}

function failures(results: CallResult[]): string {
  const byReason = new Map<string, number>();
  for (const r of results) if (!r.ok) byReason.set(r.failure ?? '?', (byReason.get(r.failure ?? '?') ?? 0) + 1);
  return [...byReason].map(([why, n]) => `${n}× ${why}`).join('; ');
}

async function main(): Promise<void> {
  console.log('starting the whole system (five services, PSP simulator at zero latency)...');
  const rtpBase = 41_000 + Math.floor(Math.random() * 10) * 2000;
  const system = await PaymentSystem.start({}, { RTP_PORT_MIN: String(rtpBase), RTP_PORT_MAX: String(rtpBase + 1999) });
  const uac = await SipUac.open(system.sipPort);
  const watch = await StepWatch.start(system.kafka, `bench-calls-${system.run}`);
  const concurrency = new Concurrency();
  const ctx: CallContext = {
    system,
    uac,
    watch,
    heads: resultPromptHeads('en'),
    onEstablished: concurrency.up,
    onEnded: concurrency.down,
  };
  const latencies: number[] = [];
  const firstAudio: number[] = [];
  const collect = (rs: CallResult[]) => {
    for (const r of rs) {
      if (r.ok && r.toResultMs !== undefined) latencies.push(r.toResultMs);
      if (r.ok && r.toFirstAudioMs !== undefined) firstAudio.push(r.toFirstAudioMs);
    }
  };
  const ramp: Array<[string, string]> = [];
  const notes: string[] = [];
  try {
    await placeAt(ctx, 'warm', 2, 2, PHONE); // first calls pay for JIT and connection set-up
    for (const rate of RATES) {
      concurrency.peak = concurrency.now;
      const f = await placeAt(ctx, `r${rate}`, rate, Math.ceil(rate * PHASE_S), PHONE);
      collect(f.results);
      const ok = f.results.filter((r) => r.ok).length;
      const s = summarize(f.results.filter((r) => r.ok && r.toResultMs !== undefined).map((r) => r.toResultMs ?? 0));
      ramp.push([
        `${rate}/s offered for ${PHASE_S} s`,
        `${ok} completed, ${f.results.length - ok} failed, peak ${concurrency.peak} concurrent, ` +
          `result p50/p99 ${fmt(s.p50, 0)}/${fmt(s.p99, 0)} ms, load ${f.loadBefore} → ${f.loadAfter}`,
      ]);
      if (ok < f.results.length) notes.push(`${rate}/s failures: ${failures(f.results)}`);
    }
    let holdRows: Array<[string, string]> = [];
    if (HOLD > 0) {
      // Every call parks at the card number prompt until all are up (or HOLD_PARK_MS passed for it).
      let parked = 0;
      let release: () => void = () => {};
      const allParked = new Promise<void>((r) => {
        release = r;
      });
      const pacing: CallPacing = {
        ...PHONE,
        beforeCardNumber: async () => {
          if (++parked >= HOLD) release();
          await Promise.race([allParked, new Promise((r) => setTimeout(r, HOLD_PARK_MS))]);
        },
      };
      concurrency.peak = concurrency.now;
      const f = await placeAt(ctx, 'hold', HOLD_RATE, HOLD, pacing);
      collect(f.results);
      const ok = f.results.filter((r) => r.ok).length;
      holdRows = [
        ['calls placed', `${HOLD} at ${HOLD_RATE}/s`],
        ['peak concurrent calls (200 OK → BYE)', String(concurrency.peak)],
        ['completed / failed', `${ok} / ${f.results.length - ok}`],
        ['load average before → after', `${f.loadBefore} → ${f.loadAfter}`],
      ];
      if (ok < f.results.length) notes.push(`hold failures: ${failures(f.results)}`);
    }
    const toResult = summarize(latencies);
    const toAudio = summarize(firstAudio);
    printTable('Payment calls: sustained call setups (complete calls, zero latency PSP simulator)', ramp);
    if (holdRows.length) printTable('Payment calls: held at once', holdRows);
    printTable('Last keypress (end of the last security code digit) → prompt, over every completed call', [
      [
        '→ first packet of the result prompt ("approved")',
        `p50 ${fmt(toResult.p50, 0)} / p99 ${fmt(toResult.p99, 0)} / max ${fmt(toResult.max, 0)} ms (n=${toResult.n})`,
      ],
      [
        '→ first audible packet ("please wait")',
        `p50 ${fmt(toAudio.p50, 0)} / p99 ${fmt(toAudio.p99, 0)} / max ${fmt(toAudio.max, 0)} ms (n=${toAudio.n})`,
      ],
    ]);
    for (const n of notes) console.log(`\n${n}`);
    console.log(
      `\nSIP retransmissions by the generator: ${uac.retransmissions}, unparsable messages received: ${uac.malformed}`,
    );
    console.log(`load average now: ${load()} (${os.cpus().length} cores; other engineers' tests share the machine)`);
    console.log(
      `reproduce: BENCH_CALLS_RATES=${RATES.join(',')} BENCH_CALLS_PHASE_S=${PHASE_S} BENCH_CALLS_HOLD=${HOLD} BENCH_CALLS_HOLD_RATE=${HOLD_RATE} make bench-calls`,
    );
  } finally {
    uac.close();
    await watch.stop().catch(() => {});
    await system.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
