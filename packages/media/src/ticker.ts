// One 20 ms clock for every media session. Each tick is scheduled against the ideal time
// start + n·period (not "20 ms after the last one"), so timer lateness does not accumulate into
// drift; if the process stalled for several periods it catches up by at most a few ticks and then
// re-anchors rather than bursting a backlog of packets.
import { performance } from 'node:perf_hooks';

export type TickListener = (now: number) => void;

const MAX_CATCH_UP_TICKS = 3;

export class Ticker {
  private readonly listeners = new Set<TickListener>();
  private timer: NodeJS.Timeout | undefined;
  private anchor = 0;
  private ticks = 0;
  /** How late each tick ran, in ms, for the benchmark (bounded ring). */
  readonly lateness = new Float64Array(4096);
  latenessCount = 0;

  constructor(
    readonly periodMs = 20,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(listener: TickListener): void {
    this.listeners.add(listener);
    if (!this.timer) this.start();
  }

  remove(listener: TickListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stop();
  }

  get size(): number {
    return this.listeners.size;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    this.anchor = this.now();
    this.ticks = 0;
    this.schedule();
  }

  private schedule(): void {
    const due = this.anchor + (this.ticks + 1) * this.periodMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.now()));
  }

  private fire(): void {
    let now = this.now();
    let runs = 0;
    // Run every tick that is due, up to a small catch-up limit.
    while (now >= this.anchor + (this.ticks + 1) * this.periodMs && runs < MAX_CATCH_UP_TICKS) {
      this.ticks++;
      runs++;
      const late = now - (this.anchor + this.ticks * this.periodMs);
      this.lateness[this.latenessCount++ % this.lateness.length] = late;
      for (const listener of this.listeners) {
        try {
          listener(now);
        } catch {
          // A failing session must not stop the clock of the others; sessions guard themselves.
        }
      }
      now = this.now();
    }
    if (now >= this.anchor + (this.ticks + 1) * this.periodMs) {
      this.anchor = now - this.periodMs; // stalled too long: re-anchor instead of bursting
      this.ticks = 0;
    }
    if (this.listeners.size > 0) this.schedule();
    else this.timer = undefined;
  }
}
