// docs/img/system-bench.png and docs/img/soak-bench.png from the newest figures in .var/bench: the
// system run (payments/s against the offered rate, with last keypress → result p50/p99) and the soak
// (memory per service over time). Two images, each drawn only from figures that exist here, so that a
// system run on a machine that never ran the soak leaves the committed soak plot alone. bench-system
// and the soak render them when they finish; `make bench-plot` renders them again from the figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { latestFigures, type SoakRun, type SystemRun } from '../figures';
import { niceMax, panel, type Series, svgDocument, text } from './svg';

const IMG_DIR = join(__dirname, '..', '..', 'docs', 'img');
export const SYSTEM_PLOT_FILE = join(IMG_DIR, 'system-bench.png');
export const SOAK_PLOT_FILE = join(IMG_DIR, 'soak-bench.png');
/** Each image is one panel this wide. */
const WIDTH = 700;
const HEIGHT = 660;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

function systemPanel(run: SystemRun | undefined): string {
  const box = { x: 0, y: 0, width: WIDTH, height: HEIGHT };
  if (!run) return text(WIDTH / 2, HEIGHT / 2, 'no system run yet: make bench-system', 14, 'middle');
  const maxRate = Math.max(...run.rates.map((r) => r.offeredPerS));
  const maxLatency = Math.max(...run.rates.map((r) => r.toResultMs.p99).filter(Number.isFinite), 1);
  const c = run.ceilings;
  // One line per PSP latency (a run can offer every rate again at another latency): joined into one
  // line, the second round's first point would be drawn back from the last rate to the first.
  const latencies = [...new Set(run.rates.map((r) => r.pspLatencyMs ?? 0))];
  const perLatency = latencies.flatMap((latency, i): Series[] => {
    const rates = run.rates.filter((r) => (r.pspLatencyMs ?? 0) === latency);
    const line = { markers: true, dashed: i > 0 };
    return [
      {
        ...line,
        label: 'payments completed/s',
        color: COLORS[0] as string,
        points: rates.map((r) => [r.offeredPerS, r.paymentsPerS]),
      },
      {
        ...line,
        label: 'failed calls/s',
        color: '#555',
        points: rates.map((r) => [r.offeredPerS, r.failed / r.placementSeconds]),
      },
      {
        ...line,
        label: 'last key → result p50 (ms)',
        color: COLORS[4] as string,
        right: true,
        points: rates.map((r) => [r.offeredPerS, r.toResultMs.p50]),
      },
      {
        ...line,
        label: 'last key → result p99 (ms)',
        color: COLORS[1] as string,
        right: true,
        points: rates.map((r) => [r.offeredPerS, r.toResultMs.p99]),
      },
    ];
  });
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
    ...perLatency,
  ];
  // The legend names each measure once (solid) and each PSP latency's line style.
  const measures = series.slice(0, 5).map(({ label, color, dashed }) => ({ label, color, dashed }));
  const styles =
    latencies.length > 1
      ? latencies.map((latency, i) => ({ label: `line: PSP ${latency} ms`, color: '#222', dashed: i > 0 }))
      : [];
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
    legend: [...measures, ...styles],
    note: `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit}, ${run.cores} cores, load average ${run.ceilings.loadBefore} → ${run.loadAtEnd}`,
  });
}

function soakPanel(run: SoakRun | undefined): string {
  const box = { x: 0, y: 0, width: WIDTH, height: HEIGHT };
  if (!run) return text(WIDTH / 2, HEIGHT / 2, 'no soak yet: make soak', 14, 'middle');
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

function png(body: string): Buffer {
  const svg = svgDocument(WIDTH, HEIGHT, body);
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

/** The PNG of a system run (missing: the panel says how to make it). */
export function renderSystemPng(system: SystemRun | undefined): Buffer {
  return png(systemPanel(system));
}

/** The PNG of a soak (missing: the panel says how to make it). */
export function renderSoakPng(soak: SoakRun | undefined): Buffer {
  return png(soakPanel(soak));
}

/** Renders the plot of each kind of run whose figures are in .var/bench; returns the files written. */
export async function renderBenchPlot(): Promise<string> {
  mkdirSync(IMG_DIR, { recursive: true });
  const written: string[] = [];
  const system = latestFigures('system');
  if (system) {
    writeFileSync(SYSTEM_PLOT_FILE, renderSystemPng(system));
    written.push(SYSTEM_PLOT_FILE);
  }
  const soak = latestFigures('soak');
  if (soak) {
    writeFileSync(SOAK_PLOT_FILE, renderSoakPng(soak));
    written.push(SOAK_PLOT_FILE);
  }
  return written.length > 0 ? written.join(', ') : 'nothing to draw: no figures in .var/bench';
}
