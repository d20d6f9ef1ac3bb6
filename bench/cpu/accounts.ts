// Where a system run's CPU goes, process by process, from /proc (bench/cpu/proc.ts): each service's
// process tree, the PostgreSQL backends serving this run's services (found by their connections'
// client ports) apart from the rest of the server, and the Kafka broker. PostgreSQL and Kafka are
// shared with whatever else runs on the machine: their "rest" is measured as it is, and a rate taken
// before the run (`quietRate`) says how much of it was there anyway. Sampled every `intervalMs`, so
// that a backend that ends between two marks still counts (up to its last sample).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allStats,
  backendClientPort,
  CLOCK_TICKS_PER_S,
  cmdline,
  localPortsTo,
  socketInodes,
  treeOf,
  treeTicks,
} from './proc';

export const POSTGRES_OURS = 'PostgreSQL (this run)';
export const POSTGRES_REST = 'PostgreSQL (rest)';
export const KAFKA = 'Kafka broker';

export interface CpuAccountsOptions {
  /** Service name → pid of its process (the root of its tree). */
  services: Record<string, number>;
  postgres?: { pid: number; port: number };
  kafkaPid?: number;
  intervalMs?: number;
}

/** CPU seconds per account since the accounts started. */
export type CpuTotals = Record<string, number>;

interface Backend {
  /** Ticks when first seen (0 for a backend started after the accounts). */
  first: number;
  last: number;
  port: number | undefined;
}

/** The pid in `$IVR_VAR_DIR/pids/<name>.pid` (scripts/postgres.sh, scripts/kafka.sh), if that process runs. */
export function infraPid(name: 'postgres' | 'kafka'): number | undefined {
  const dir = process.env.IVR_VAR_DIR ?? join(__dirname, '..', '..', '.var');
  try {
    const pid = Number(readFileSync(join(dir, 'pids', `${name}.pid`), 'utf8').trim());
    return pid > 0 && allStats().has(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export class CpuAccounts {
  private readonly base = new Map<string, number>();
  private readonly latest = new Map<string, number>();
  private readonly backends = new Map<number, Backend>();
  private readonly ourPorts = new Set<number>();
  private pgTree = { first: 0, last: 0 };
  /** Each service's ticks at every sample: [Date.now(), ticks]. */
  private readonly timelines = new Map<string, Array<[number, number]>>();
  private started = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CpuAccountsOptions) {}

  /** Names of the accounts, in the order they are reported. */
  get names(): string[] {
    return [
      ...Object.keys(this.options.services),
      ...(this.options.postgres ? [POSTGRES_OURS, POSTGRES_REST] : []),
      ...(this.options.kafkaPid ? [KAFKA] : []),
    ];
  }

  start(): void {
    this.sample();
    this.started = true;
    this.timer = setInterval(() => this.sample(), this.options.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU seconds of every account since start(), sampled now. */
  totals(): CpuTotals {
    this.sample();
    const out: CpuTotals = {};
    for (const name of Object.keys(this.options.services))
      out[name] = ((this.latest.get(name) ?? 0) - (this.base.get(name) ?? 0)) / CLOCK_TICKS_PER_S;
    if (this.options.postgres) {
      let ours = 0;
      let oursLast = 0;
      for (const b of this.backends.values()) {
        if (b.port === undefined || !this.ourPorts.has(b.port)) continue;
        ours += b.last - b.first;
        oursLast += b.last;
      }
      // The server's tree counts ended backends in the postmaster's reaped-children time; ours keep
      // their last sample here, so the rest is the tree less what ours had used by then.
      const oursFirst = oursLast - ours;
      out[POSTGRES_OURS] = ours / CLOCK_TICKS_PER_S;
      out[POSTGRES_REST] = (this.pgTree.last - oursLast - (this.pgTree.first - oursFirst)) / CLOCK_TICKS_PER_S;
    }
    if (this.options.kafkaPid)
      out[KAFKA] = ((this.latest.get(KAFKA) ?? 0) - (this.base.get(KAFKA) ?? 0)) / CLOCK_TICKS_PER_S;
    return out;
  }

  /** A service's CPU seconds between two moments (Date.now() values), interpolated between samples. */
  secondsBetween(service: string, fromMs: number, toMs: number): number {
    const timeline = this.timelines.get(service) ?? [];
    const at = (t: number): number => {
      const i = timeline.findIndex(([when]) => when >= t);
      if (i < 0) return timeline.at(-1)?.[1] ?? 0;
      if (i === 0) return timeline[0]?.[1] ?? 0;
      const [t0, v0] = timeline[i - 1] as [number, number];
      const [t1, v1] = timeline[i] as [number, number];
      return v0 + ((v1 - v0) * (t - t0)) / Math.max(1, t1 - t0);
    };
    return (at(toMs) - at(fromMs)) / CLOCK_TICKS_PER_S;
  }

  private sample(): void {
    const stats = allStats();
    const set = (name: string, ticks: number) => {
      if (!this.started) this.base.set(name, ticks);
      this.latest.set(name, ticks);
    };
    for (const [name, pid] of Object.entries(this.options.services)) {
      const tree = treeOf(pid, stats);
      // A service that ended keeps its last figure.
      if (tree.length === 0) continue;
      const ticks = treeTicks(tree);
      set(name, ticks);
      const timeline = this.timelines.get(name) ?? [];
      timeline.push([Date.now(), ticks]);
      this.timelines.set(name, timeline);
    }
    if (this.options.kafkaPid) {
      const tree = treeOf(this.options.kafkaPid, stats);
      if (tree.length > 0) set(KAFKA, treeTicks(tree));
    }
    const pg = this.options.postgres;
    if (!pg) return;
    for (const pid of Object.values(this.options.services))
      for (const port of localPortsTo(pg.port, socketInodes(pid))) this.ourPorts.add(port);
    const tree = treeOf(pg.pid, stats);
    const ticks = treeTicks(tree);
    if (!this.started) this.pgTree.first = ticks;
    this.pgTree.last = ticks;
    for (const s of tree) {
      if (s.pid === pg.pid) continue;
      const t = s.own + s.children;
      const b = this.backends.get(s.pid);
      if (b) b.last = t;
      else this.backends.set(s.pid, { first: this.started ? 0 : t, last: t, port: backendClientPort(cmdline(s.pid)) });
    }
  }
}

/** CPU seconds per account between two totals. */
export function between(from: CpuTotals, to: CpuTotals): CpuTotals {
  const out: CpuTotals = {};
  for (const [name, s] of Object.entries(to)) out[name] = s - (from[name] ?? 0);
  return out;
}
