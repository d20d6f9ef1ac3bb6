// Placing payment calls at a steady rate, shared by bench-calls, bench-system and the soak: the
// rate loop, a count of calls up at once, and the words for what failed.
import os from 'node:os';
import { type CallContext, type CallPacing, type CallResult, describeFailure, placePaymentCall } from './payment-call';

/** Like a phone: a key held ~120 ms, then a gap of 80 ms. */
export const PHONE: CallPacing = { toneMs: 120, gapMs: 80 };

/** The 1, 5 and 15 minute load averages, e.g. "1.2 0.9 0.7": every printed figure carries one. */
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Calls established (200 OK) and not yet ended; `peak` since the caller last reset it. */
export class Concurrency {
  now = 0;
  peak = 0;
  up = (): void => {
    this.now++;
    this.peak = Math.max(this.peak, this.now);
  };
  down = (): void => {
    this.now--;
  };
}

export interface PhaseFigures {
  results: CallResult[];
  seconds: number;
  loadBefore: string;
  loadAfter: string;
}

/** Call rates from a comma-separated variable, e.g. BENCH_CALLS_RATES=5,10,20 (non-positive ones dropped). */
export function ratesFromEnv(name: string, fallback: string): number[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
}

/**
 * Places `count` calls at `rate` per second (on schedule, whether earlier calls finished or not),
 * then waits for all of them to end. `onResult` hears each call as it ends.
 */
export async function placeAt(
  ctx: CallContext,
  tag: string,
  rate: number,
  count: number,
  pacing: CallPacing,
  onResult: (r: CallResult) => void = () => {},
): Promise<PhaseFigures> {
  const loadBefore = loadAverage();
  const started = performance.now();
  const calls: Promise<CallResult>[] = [];
  while (calls.length < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (calls.length < due) {
      const callId = `${tag}-${calls.length}-${Math.floor(Math.random() * 1e9)}@bench`;
      calls.push(
        placePaymentCall(ctx, callId, pacing)
          .catch((err: unknown): CallResult => ({ ok: false, failure: describeFailure(err) }))
          .then((r) => {
            onResult(r);
            return r;
          }),
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const results = await Promise.all(calls);
  return { results, seconds: (performance.now() - started) / 1000, loadBefore, loadAfter: loadAverage() };
}

/** "3× INVITE timed out; 1× amount not confirmed" */
export function failures(results: CallResult[]): string {
  const byReason = new Map<string, number>();
  for (const r of results) if (!r.ok) byReason.set(r.failure ?? '?', (byReason.get(r.failure ?? '?') ?? 0) + 1);
  return [...byReason].map(([why, n]) => `${n}× ${why}`).join('; ');
}
