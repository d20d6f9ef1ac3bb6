/** Small helpers every benchmark uses to report figures the same way. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarize(samplesMs: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN };
}

export const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

/** Prints a two-column table: what was measured and the figure. */
export function printTable(title: string, rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

/** Prints a table of a measure and one column per subject, e.g. SIPp beside the own UAC. */
export function printColumns(title: string, heads: string[], rows: string[][]): void {
  const widths = ['', ...heads].map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}`;
  console.log(`\n${title}`);
  console.log(line(['', ...heads]));
  for (const r of rows) console.log(line(r));
}

/** Runs `worker` on `concurrency` lanes until `durationMs` passes; returns how many calls completed. */
export async function runFor(
  durationMs: number,
  concurrency: number,
  worker: (lane: number) => Promise<void>,
): Promise<number> {
  const until = Date.now() + durationMs;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (Date.now() < until) {
        await worker(lane);
        done++;
      }
    }),
  );
  return done;
}
