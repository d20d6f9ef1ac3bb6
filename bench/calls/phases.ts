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

/**
 * A phase as one load generator saw it, for SIPp beside the project's own UAC (bench-calls) and for
 * bench-system's SIPp phases: the same figures from either, each over the calls it placed
 * (`toResultMs` needs ears: only the own UAC hears the prompts, SIPp's is empty).
 */
export interface GeneratorFigures extends Omit<RateFigures, 'toFirstAudioMs'> {
  generator: 'SIPp' | 'own UAC';
  /** INVITE sent → 200 OK received. */
  setupMs: Latency;
  /** Last keypress → the IVR's REFER (the result prompt and "transferring back" play between). */
  toReferMs: Latency;
  /** CPU of the generator: the SIPp process (/proc), or the bench's Node process for the own UAC. */
  cpuSeconds: number;
  cpuMsPerCall: number;
  /** SIPp only: the bench's Node process meanwhile (the payments over the API, the Kafka watch). */
  driverCpuSeconds?: number;
}

type GeneratorInput = Pick<
  GeneratorFigures,
  | 'generator'
  | 'offeredPerS'
  | 'placementSeconds'
  | 'seconds'
  | 'peakConcurrent'
  | 'cpuSeconds'
  | 'driverCpuSeconds'
  | 'loadBefore'
  | 'loadAfter'
  | 'failures'
> & { results: CallResult[] };

const over = (rs: CallResult[], pick: (r: CallResult) => number | undefined): Latency =>
  summarize(rs.filter((r) => r.ok && pick(r) !== undefined).map((r) => pick(r) ?? 0));

export function generatorFigures({ results, ...f }: GeneratorInput): GeneratorFigures {
  const completed = results.filter((r) => r.ok).length;
  return {
    ...f,
    completed,
    failed: results.length - completed,
    paymentsPerS: completed / f.placementSeconds,
    setupMs: over(results, (r) => r.setupMs),
    toReferMs: over(results, (r) => r.toReferMs),
    toResultMs: over(results, (r) => r.toResultMs),
    cpuMsPerCall: results.length ? (f.cpuSeconds * 1000) / results.length : Number.NaN,
  };
}

/** ratePhase with the own UAC, and the CPU the bench's process (the generator) used meanwhile. */
export async function ownUacPhase(
  rig: CallRig,
  rate: number,
  seconds: number,
): Promise<{ figures: GeneratorFigures; results: CallResult[] }> {
  const cpu = process.cpuUsage();
  const { figures: f, results } = await ratePhase(rig, rate, seconds);
  const used = process.cpuUsage(cpu);
  return {
    results,
    figures: generatorFigures({
      generator: 'own UAC',
      ...f,
      cpuSeconds: (used.user + used.system) / 1e6,
      results,
    }),
  };
}

/** Rows of SIPp's and the own UAC's figures side by side, for printColumns. */
export function comparisonRows(sipp: GeneratorFigures, own: GeneratorFigures): Array<[string, string, string]> {
  const ms = (l: Latency) => (l.n ? `p50 ${fmt0(l.p50)} / p99 ${fmt0(l.p99)} ms (n=${l.n})` : 'n/a');
  const row = (label: string, pick: (f: GeneratorFigures) => string): [string, string, string] => [
    label,
    pick(sipp),
    pick(own),
  ];
  return [
    row('completed calls/s (payment approved, REFER, BYE)', (f) => `${f.paymentsPerS.toFixed(1)}/s (${f.completed})`),
    row('failed calls', (f) => String(f.failed)),
    row('peak calls up at once', (f) => String(f.peakConcurrent)),
    row('setup: INVITE → 200 OK', (f) => ms(f.setupMs)),
    row('last key → REFER', (f) => ms(f.toReferMs)),
    row('last key → first packet of the result prompt', (f) => (f.toResultMs.n ? ms(f.toResultMs) : 'n/a (no ears)')),
    row('generator CPU', (f) => `${f.cpuSeconds.toFixed(1)} s, ${fmt0(f.cpuMsPerCall)} ms/call`),
    row('load average before → after', (f) => `${f.loadBefore} → ${f.loadAfter}`),
  ];
}

const fmt0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');

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
