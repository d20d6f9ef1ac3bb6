// docs/img/system-bench.png from the newest figures in .var/bench: the system run (payments/s
// against the offered rate, with last keypress → result p50/p99) beside the soak (memory per
// service over time). bench-system and the soak render it when they finish; `make bench-plot`
// renders it again from the figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { latestFigures, type SoakRun, type SystemRun } from '../figures';
import { niceMax, panel, type Series, svgDocument, text } from './svg';

export const PLOT_FILE = join(__dirname, '..', '..', 'docs', 'img', 'system-bench.png');
const WIDTH = 1400;
const HEIGHT = 660;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

function systemPanel(run: SystemRun | undefined): string {
  const box = { x: 0, y: 0, width: WIDTH / 2, height: HEIGHT };
  if (!run) return text(WIDTH / 4, HEIGHT / 2, 'no system run yet: make bench-system', 14, 'middle');
  const maxRate = Math.max(...run.rates.map((r) => r.offeredPerS));
  const maxLatency = Math.max(...run.rates.map((r) => r.toResultMs.p99).filter(Number.isFinite), 1);
  const c = run.ceilings;
  const series: Series[] = [
    {
      label: 'offered (calls/s)',
      color: '#999',
      dashed: true,
      points: [
        [0, 0],
        [maxRate, maxRate],
      ],
    },
    {
      label: 'payments completed/s',
      color: COLORS[0] as string,
      markers: true,
      points: run.rates.map((r) => [r.offeredPerS, r.paymentsPerS]),
    },
    {
      label: 'failed calls/s',
      color: '#555',
      markers: true,
      points: run.rates.map((r) => [r.offeredPerS, r.failed / r.placementSeconds]),
    },
    {
      label: 'last key → result p50 (ms)',
      color: COLORS[4] as string,
      right: true,
      markers: true,
      points: run.rates.map((r) => [r.offeredPerS, r.toResultMs.p50]),
    },
    {
      label: 'last key → result p99 (ms)',
      color: COLORS[1] as string,
      right: true,
      markers: true,
      points: run.rates.map((r) => [r.offeredPerS, r.toResultMs.p99]),
    },
  ];
  return panel({
    ...box,
    title: 'Whole system: payment calls over SIP/RTP at steady rates',
    subtitle:
      `ceilings in the same run: PostgreSQL ${n0(c.plainInsertsPerS)} INSERTs/s, Kafka ${n0(c.kafkaRecordsPerS)} records/s` +
      (run.hold ? `; ${run.hold.peakConcurrent} calls held at once` : ''),
    xLabel: 'offered calls/s',
    yLabel: 'payments/s',
    rightLabel: 'ms',
    xMax: niceMax(maxRate),
    yMax: niceMax(maxRate),
    rightMax: niceMax(maxLatency),
    series,
    note: `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit}, ${run.cores} cores, load average ${run.ceilings.loadBefore} → ${run.loadAtEnd}`,
  });
}

function soakPanel(run: SoakRun | undefined): string {
  const box = { x: WIDTH / 2, y: 0, width: WIDTH / 2, height: HEIGHT };
  if (!run) return text((3 * WIDTH) / 4, HEIGHT / 2, 'no soak yet: make soak', 14, 'middle');
  const end = run.minutes * 60;
  const series: Series[] = run.services.flatMap((s, i) => [
    {
      label: `${s.name} RSS`,
      color: COLORS[i % COLORS.length] as string,
      points: s.samples.map((m): [number, number] => [m.t / 60, m.rssMiB]),
    },
    {
      label: `${s.name} heap`,
      color: COLORS[i % COLORS.length] as string,
      dashed: true,
      points: s.samples.map((m): [number, number] => [m.t / 60, m.heapUsedMiB]),
    },
  ]);
  const maxT = Math.max(...run.services.flatMap((s) => s.samples.map((m) => m.t)));
  const maxMiB = Math.max(...run.services.flatMap((s) => s.samples.map((m) => m.rssMiB)));
  // NaN (a window without samples) counts as a failure, as the soak's own verdict does.
  const worst = Math.max(...run.services.flatMap((s) => [s.rss.percent, s.heap.percent]));
  const verdict = worst < run.limitPercent ? 'PASS' : 'FAIL';
  return panel({
    ...box,
    title: `Soak: memory per service, ${run.ratePerS} calls/s for ${run.minutes} min`,
    subtitle: `${run.completed} calls completed, ${run.failed} failed; largest growth ${worst >= 0 ? '+' : ''}${worst.toFixed(1)} % (limit ${run.limitPercent} %): ${verdict}`,
    xLabel: 'minutes',
    yLabel: 'MiB (solid RSS, dashed V8 heap after GC)',
    xMax: Math.ceil(maxT / 60),
    legend: [
      ...run.services.map((s, i) => ({ label: s.name, color: COLORS[i % COLORS.length] as string })),
      { label: 'RSS', color: '#444' },
      { label: 'V8 heap after GC', color: '#444', dashed: true },
    ],
    yMax: niceMax(maxMiB * 1.1),
    series,
    bands: [
      { from: 0, to: run.warmupSeconds / 60, label: 'warm-up' },
      { from: run.warmupSeconds / 60, to: (run.warmupSeconds + 60) / 60, label: 'first' },
      { from: (end - 60) / 60, to: end / 60, label: 'last' },
    ],
    note: `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit}, ${run.cores} cores, load average ${run.loadBefore} → ${run.loadAtEnd}`,
  });
}

/** The PNG of a system run and a soak (either may be missing: its panel says how to make it). */
export function renderPng(system: SystemRun | undefined, soak: SoakRun | undefined): Buffer {
  const svg = svgDocument(WIDTH, HEIGHT, `${systemPanel(system)}\n${soakPanel(soak)}`);
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

/** Renders docs/img/system-bench.png from the newest figures in .var/bench; returns its path. */
export async function renderBenchPlot(): Promise<string> {
  mkdirSync(join(PLOT_FILE, '..'), { recursive: true });
  writeFileSync(PLOT_FILE, renderPng(latestFigures('system'), latestFigures('soak')));
  return PLOT_FILE;
}
