// One 20 ms clock for every media session. Each tick is scheduled against the ideal time
// start + n·period (not "20 ms after the last one"), so timer lateness does not accumulate into
// drift; if the process stalled for several periods it catches up by at most a few periods and then
// re-anchors rather than bursting a backlog of packets.
//
// With `phases` > 1 the listeners are spread over that many groups, one group run every period/phases
// (each listener still runs once a period, always in the same group): a thousand sessions send their
// packets in four bursts of 250 a period instead of one of 1,000, so the received packets, the timers
// of the other phases and everything else the process does wait for a quarter of the burst at most.
import { performance } from 'node:perf_hooks';

export type TickListener = (now: number) => void;

/** How many whole periods a stalled clock may catch up, back to back, before it re-anchors. */
const MAX_CATCH_UP_PERIODS = 3;

export class Ticker {
  /** One group of listeners per phase; a listener joins the smallest group. */
  private readonly groups: Set<TickListener>[];
  private readonly groupOf = new Map<TickListener, Set<TickListener>>();
  private readonly stepMs: number;
  private timer: NodeJS.Timeout | undefined;
  private anchor = 0;
  /** Steps (period / phases) run since the anchor. */
  private steps = 0;
  /** How late each step ran, in ms, for the benchmark and the metrics (bounded ring). */
  readonly lateness = new Float64Array(4096);
  /** How long each step's listeners ran, in ms (wall), at the same ring positions as `lateness`. */
  readonly busy = new Float64Array(4096);
  latenessCount = 0;

  constructor(
    readonly periodMs = 20,
    private readonly now: () => number = () => performance.now(),
    readonly phases = 1,
  ) {
    if (!Number.isInteger(phases) || phases < 1) throw new RangeError('phases must be a positive integer');
    this.groups = Array.from({ length: phases }, () => new Set<TickListener>());
    this.stepMs = periodMs / phases;
  }

  add(listener: TickListener): void {
    if (this.groupOf.has(listener)) return;
    let group = this.groups[0] as Set<TickListener>;
    for (const g of this.groups) if (g.size < group.size) group = g;
    group.add(listener);
    this.groupOf.set(listener, group);
    if (!this.timer) this.start();
  }

  remove(listener: TickListener): void {
    this.groupOf.get(listener)?.delete(listener);
    this.groupOf.delete(listener);
    if (this.groupOf.size === 0) this.stop();
  }

  get size(): number {
    return this.groupOf.size;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.anchor = this.now();
    this.steps = 0;
    this.schedule();
  }

  private schedule(): void {
    const due = this.anchor + (this.steps + 1) * this.stepMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.now()));
  }

  private fire(): void {
    let now = this.now();
    let runs = 0;
    // Run every step that is due, up to a small catch-up limit.
    while (now >= this.anchor + (this.steps + 1) * this.stepMs && runs < MAX_CATCH_UP_PERIODS * this.phases) {
      const group = this.groups[this.steps % this.phases] as Set<TickListener>;
      this.steps++;
      runs++;
      const late = now - (this.anchor + this.steps * this.stepMs);
      const at = this.latenessCount++ % this.lateness.length;
      this.lateness[at] = late;
      const started = now;
      for (const listener of group) {
        try {
          listener(now);
        } catch {
          // A failing session must not stop the clock of the others; sessions guard themselves.
        }
      }
      now = this.now();
      this.busy[at] = now - started;
    }
    if (now >= this.anchor + (this.steps + 1) * this.stepMs) {
      // Stalled too long: re-anchor instead of bursting, on the same phase (each group keeps its turn).
      this.anchor = now - this.stepMs - (this.steps % this.phases) * this.stepMs;
      this.steps = this.steps % this.phases;
    }
    if (this.groupOf.size > 0) this.schedule();
    else this.timer = undefined;
  }
}
