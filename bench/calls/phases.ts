// The phases of a whole-system call benchmark, shared by bench-calls and bench-system: calls placed
// at one steady rate, and a hold of many calls up at once. Each returns plain figures (JSON-ready).
import { summarize } from '../stats';
import type { CallPacing, CallResult } from './payment-call';
import { failures, PHONE, placeAt } from './rate';
import type { CallRig } from './rig';

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface RateFigures {
  offeredPerS: number;
  placementSeconds: number;
  /** From the first call placed to the last call ended. */
  seconds: number;
  completed: number;
  failed: number;
  /** Payments approved and their calls transferred back, per second of placement. */
  paymentsPerS: number;
  peakConcurrent: number;
  /** Last keypress → first packet of the result prompt. */
  toResultMs: Latency;
  /** Last keypress → first audible packet ("please wait"). */
  toFirstAudioMs: Latency;
  loadBefore: string;
  loadAfter: string;
  failures: string;
}

/** What both phases count of the calls they placed. */
type Outcome = Pick<RateFigures, 'completed' | 'failed' | 'peakConcurrent' | 'loadBefore' | 'loadAfter' | 'failures'>;

export interface HoldFigures extends Outcome {
  placed: number;
  placedPerS: number;
}

const HOLD_PARK_MS = 10_000; // below the card number's first-digit timeout (15 s)

export const toResult = (rs: CallResult[]): Latency =>
  summarize(rs.filter((r) => r.ok && r.toResultMs !== undefined).map((r) => r.toResultMs ?? 0));
export const toFirstAudio = (rs: CallResult[]): Latency =>
  summarize(rs.filter((r) => r.ok && r.toFirstAudioMs !== undefined).map((r) => r.toFirstAudioMs ?? 0));

/** `rate` calls a second for `seconds`, then waits for every call to end. */
export async function ratePhase(
  rig: CallRig,
  rate: number,
  seconds: number,
): Promise<{ figures: RateFigures; results: CallResult[] }> {
  const { results, seconds: took, outcome } = await place(rig, `r${rate}`, rate, Math.ceil(rate * seconds), PHONE);
  return {
    results,
    figures: {
      offeredPerS: rate,
      placementSeconds: seconds,
      seconds: took,
      paymentsPerS: outcome.completed / seconds,
      toResultMs: toResult(results),
      toFirstAudioMs: toFirstAudio(results),
      ...outcome,
    },
  };
}

/**
 * `count` calls placed at `rate`/s, each parked at the card number prompt until all are up (or
 * HOLD_PARK_MS passed for it), then completed: the most calls the system holds at once.
 */
export async function holdPhase(
  rig: CallRig,
  count: number,
  rate: number,
): Promise<{ figures: HoldFigures; results: CallResult[] }> {
  let parked = 0;
  let release: () => void = () => {};
  const allParked = new Promise<void>((r) => {
    release = r;
  });
  const pacing: CallPacing = {
    ...PHONE,
    beforeCardNumber: async () => {
      if (++parked >= count) release();
      await Promise.race([allParked, new Promise((r) => setTimeout(r, HOLD_PARK_MS))]);
    },
  };
  const { results, outcome } = await place(rig, 'hold', rate, count, pacing);
  return { results, figures: { placed: count, placedPerS: rate, ...outcome } };
}

/** Places `count` calls at `rate`/s and counts how they went; the peak is measured from now. */
async function place(rig: CallRig, tag: string, rate: number, count: number, pacing: CallPacing) {
  rig.concurrency.peak = rig.concurrency.now;
  const f = await placeAt(rig.ctx, tag, rate, count, pacing);
  const completed = f.results.filter((r) => r.ok).length;
  const outcome: Outcome = {
    completed,
    failed: f.results.length - completed,
    peakConcurrent: rig.concurrency.peak,
    loadBefore: f.loadBefore,
    loadAfter: f.loadAfter,
    failures: failures(f.results),
  };
  return { results: f.results, seconds: f.seconds, outcome };
}

/** One line of a printed ramp table. */
export function rateRow(f: RateFigures): [string, string] {
  const fmt0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
  return [
    `${f.offeredPerS}/s offered for ${f.placementSeconds} s`,
    `${f.completed} completed (${f.paymentsPerS.toFixed(1)}/s), ${f.failed} failed, peak ${f.peakConcurrent} concurrent, ` +
      `result p50/p99 ${fmt0(f.toResultMs.p50)}/${fmt0(f.toResultMs.p99)} ms, load ${f.loadBefore} → ${f.loadAfter}`,
  ];
}

/** Rows of a printed hold table. */
export function holdRows(f: HoldFigures): Array<[string, string]> {
  return [
    ['calls placed', `${f.placed} at ${f.placedPerS}/s`],
    ['peak concurrent calls (200 OK → BYE)', String(f.peakConcurrent)],
    ['completed / failed', `${f.completed} / ${f.failed}`],
    ['load average before → after', `${f.loadBefore} → ${f.loadAfter}`],
  ];
}
