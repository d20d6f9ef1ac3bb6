// The figures the system run and the soak write as JSON (.var/bench/<kind>-<time>.json), which the
// plot (bench/plot/) reads back: one shape, named here, for writer and reader.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { GeneratorFigures, HoldFigures, Latency, RateFigures } from './calls/phases';
import type { CpuFigures } from './cpu/figures';
import type { ProfileFigures } from './flame/render';

const ROOT = join(__dirname, '..');
export const FIGURES_DIR = join(ROOT, '.var', 'bench');

/** What every figures file starts with: when it ran, on which commit, on how many cores, and how to run it again. */
export interface RunHeader {
  startedAt: string;
  finishedAt: string;
  commit: string;
  cores: number;
  command: string;
}

/** One rate of the system run, and what each load generator saw of it (runs before SIPp have neither). */
export interface SystemRate extends RateFigures {
  /** The PSP simulator's latency in this phase (runs before it have none: 0). */
  pspLatencyMs?: number;
  sipp?: GeneratorFigures;
  /** The own UAC's share (the calls whose prompts are heard: last keypress → result). */
  probe?: GeneratorFigures;
}

export interface SystemRun extends RunHeader {
  kind: 'system';
  ceilings: {
    plainInsertsPerS: number;
    insertLanes: number;
    kafkaRecordsPerS: number;
    kafkaRecords: number;
    /** SIPp's uac against its uas (runs before SIPp have none). */
    sipCallsPerS?: number;
    loadBefore: string;
    loadAfter: string;
  };
  /** Who placed the calls: SIPp with an own-UAC share (probeShare), or (older runs) the own UAC alone. */
  generator?: 'SIPp' | 'own UAC';
  probeShare?: number;
  rates: SystemRate[];
  hold?: HoldFigures & { sipp?: GeneratorFigures };
  toResultMs: Latency;
  toFirstAudioMs: Latency;
  loadAtEnd: string;
  /** CPU per process and per payment (runs before bench/cpu have none). */
  cpu?: CpuFigures;
  /** The services' CPU profiles over one rate phase, drawn in docs/perf/. */
  profiles?: ProfileFigures[];
}

/** One service's memory at one moment of the soak. */
export interface MemorySample {
  /** Seconds since the load began. */
  t: number;
  rssMiB: number;
  /** V8 heap in use after a forced full GC: the live set, not the garbage not yet collected. */
  heapUsedMiB: number;
  externalMiB: number;
}

export interface Growth {
  firstMiB: number;
  lastMiB: number;
  percent: number;
  /** Least-squares slope from the end of the warm-up to the end of the load: a leak climbs, a step does not. */
  trendMiBPerMin: number;
}

export interface SoakRun extends RunHeader {
  kind: 'soak';
  minutes: number;
  ratePerS: number;
  sampleSeconds: number;
  /** Samples before this second are warm-up; growth compares the minute after it with the last minute. */
  warmupSeconds: number;
  limitPercent: number;
  services: Array<{ name: string; pid: number; samples: MemorySample[]; rss: Growth; heap: Growth }>;
  /** Calls completed and failed in each sample interval, and the load average then. */
  calls: Array<{ t: number; completed: number; failed: number; concurrent: number; load: string }>;
  completed: number;
  failed: number;
  failures: string;
  toResultMs: Latency;
  loadBefore: string;
  loadAtEnd: string;
}

/**
 * Called when a run starts (the commit is the code that runs, even if the tree changes meanwhile);
 * the function it returns gives the header when the run ends.
 */
export function beginRun(command: string): () => RunHeader {
  const startedAt = new Date().toISOString();
  const commit = gitCommit();
  return () => ({ startedAt, finishedAt: new Date().toISOString(), commit, cores: cpus().length, command });
}

/** The commit the tree is at, and whether files it tracks were changed since: what a printed figure ran. */
export function commitOfTree(): string {
  const commit = gitCommit();
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return commit;
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Writes `figures` to .var/bench/<kind>-<time>.json; returns the path. */
export function writeFigures(figures: SystemRun | SoakRun): string {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${figures.kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}

/**
 * The newest figures of a kind, or undefined if that benchmark never ran here. BENCH_PLOT_SYSTEM or
 * BENCH_PLOT_SOAK (a path) picks a run other than the newest.
 */
export function latestFigures<K extends 'system' | 'soak'>(
  kind: K,
): (K extends 'system' ? SystemRun : SoakRun) | undefined {
  const chosen = process.env[kind === 'system' ? 'BENCH_PLOT_SYSTEM' : 'BENCH_PLOT_SOAK'];
  if (chosen) return JSON.parse(readFileSync(chosen, 'utf8'));
  let names: string[] = [];
  try {
    names = readdirSync(FIGURES_DIR).filter((n) => n.startsWith(`${kind}-`) && n.endsWith('.json'));
  } catch {
    return undefined;
  }
  const newest = names.sort().at(-1);
  return newest ? JSON.parse(readFileSync(join(FIGURES_DIR, newest), 'utf8')) : undefined;
}
