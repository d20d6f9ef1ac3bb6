// What the vault benchmarks share: the card-number field every benchmark caller keys, and the playout
// ticker's lateness over a run, and the commit and load average every table is printed with.
import { cpus, loadavg } from 'node:os';
import { serializeRtp, serializeTelephoneEvent, type Ticker } from '@ivr/media';
import { APPROVED_TEST_PAN } from '../test/fixtures/test-cards';
import { commitOfTree } from './figures';
import { fmt } from './stats';

/** What every benchmark caller keys: a published test card number and #. */
export const CARD = `${APPROVED_TEST_PAN}#`;

/** A card-number capture that waits as long as a run lasts. */
export const BENCH_CARD_FIELD = {
  kind: 'card_number' as const,
  language: 'en' as const,
  promptIds: [],
  retryPromptIds: [],
  firstDigitTimeoutMs: 600_000,
  interDigitTimeoutMs: 600_000,
  maxAttempts: 3,
};

/** How late each tick ran since the ticker had counted `since` ticks (the newest ones the ring holds). */
export function latenessSince(ticker: Ticker, since: number): number[] {
  return ringSince(ticker, ticker.lateness, since);
}

/** How long each tick's sessions ran (the burst that holds the event loop), since `since` ticks. */
export function busySince(ticker: Ticker, since: number): number[] {
  return ringSince(ticker, ticker.busy, since);
}

function ringSince(ticker: Ticker, values: Float64Array, since: number): number[] {
  const ring = values.length;
  const out: number[] = [];
  for (let i = Math.max(since, ticker.latenessCount - ring); i < ticker.latenessCount; i++)
    out.push(values[i % ring] as number);
  return out;
}

/** The rows every vault table ends with: the code that ran and how loaded the machine was. */
export function runRows(loadBefore: number): Array<[string, string]> {
  return [
    ['commit', commitOfTree()],
    ['load average (1 min) before / after, cores', `${fmt(loadBefore)} / ${fmt(loadavg()[0] ?? 0)}, ${cpus().length}`],
  ];
}

/**
 * A caller keying CARD by RFC 4733, per 20 ms tick: an event packet (five growing, the fifth an end) or
 * nothing (the caller sends audio then). Sequence numbers are the sender's to write.
 */
export function cardEventScript(ssrc: number, firstTimestamp: number): (Buffer | undefined)[] {
  const script: (Buffer | undefined)[] = [];
  for (const key of CARD) {
    const event = key === '#' ? 11 : Number(key);
    const timestamp = firstTimestamp + script.length * 160;
    for (let i = 1; i <= 5; i++)
      script.push(
        serializeRtp(
          { marker: i === 1, payloadType: 101, sequenceNumber: 0, timestamp, ssrc },
          serializeTelephoneEvent({ event, end: i === 5, volume: 10, duration: 160 * i }),
        ),
      );
    for (let i = 0; i < 4; i++) script.push(undefined);
  }
  return script;
}

/**
 * Lets a run go for `seconds` and answers what it cost: the CPU (µs, and as a share of one core of the
 * wall time), the playout ticker's lateness and its ticks' durations over it, and how much `count` grew (packets moved).
 */
export async function measureWindow(
  seconds: number,
  ticker: Ticker,
  count: () => number,
): Promise<{ cpuMicros: number; cpuPercent: number; latenessMs: number[]; busyMs: number[]; counted: number }> {
  const countStart = count();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const latenessStart = ticker.latenessCount;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpuStart);
  const cpuMicros = cpu.user + cpu.system;
  return {
    cpuMicros,
    cpuPercent: (cpuMicros / 1000 / (performance.now() - wallStart)) * 100,
    latenessMs: latenessSince(ticker, latenessStart),
    busyMs: busySince(ticker, latenessStart),
    counted: count() - countStart,
  };
}
