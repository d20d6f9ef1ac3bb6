// Flame graphs of a benchmark's CPU profiles into docs/perf/<service>.svg (committed beside the
// figures of docs/performance.md), folded stacks beside each profile, and what the profiles say in
// figures: the share of each package and the functions that use the most CPU themselves.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type CpuProfile, foldedStacks, selfByFunction, selfByPackage, summarize } from './profile';
import { flameGraphSvg } from './svg';

export const FLAME_DIR = join(__dirname, '..', '..', 'docs', 'perf');

export interface ProfileFigures {
  service: string;
  file: string;
  svg: string;
  seconds: number;
  /** Main-thread samples that were not idle, and the mean µs between samples. */
  busySamples: number;
  intervalUs: number;
  /** Top packages and functions by their own samples, as a share of the busy samples. */
  packages: Array<{ pkg: string; share: number }>;
  functions: Array<{ name: string; pkg: string; share: number }>;
}

/** Renders one profile into `<outDir>/<name>.svg`; `caption` is the subtitle (commit, phase, load). */
export function renderProfile(
  file: string,
  caption: string,
  outDir = FLAME_DIR,
  name = basename(file, '.cpuprofile'),
): ProfileFigures {
  const service = name;
  const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, service);
  const total = Math.max(1, summary.busySamples);
  const busyShare = summary.busySamples / Math.max(1, summary.busySamples + summary.idleSamples);
  mkdirSync(outDir, { recursive: true });
  const svg = join(outDir, `${service}.svg`);
  writeFileSync(
    svg,
    flameGraphSvg(summary, {
      title: `${service}: CPU profile (main thread, idle left out)`,
      // Not CPU seconds: a thread that is runnable but waits for a core is sampled where it stopped.
      subtitle: `${caption}; ${summary.busySamples} samples not idle (${(busyShare * 100).toFixed(0)} % of ${summary.seconds.toFixed(0)} s)`,
      own: service,
    }),
  );
  writeFileSync(file.replace(/\.cpuprofile$/, '.folded'), foldedStacks(summary.root));
  return {
    service,
    file,
    svg,
    seconds: summary.seconds,
    busySamples: summary.busySamples,
    intervalUs: summary.intervalUs,
    packages: selfByPackage(summary.root)
      .slice(0, 12)
      .map((p) => ({ pkg: p.pkg, share: p.samples / total })),
    functions: selfByFunction(summary.root)
      .slice(0, 15)
      .map((f) => ({ name: f.name, pkg: f.pkg, share: f.samples / total })),
  };
}
