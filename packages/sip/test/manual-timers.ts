// A TimerService whose time moves only when a test says so.
import type { TimerService } from '../src';

interface Entry {
  at: number;
  fn: () => void;
  id: number;
}

export class ManualTimers implements TimerService {
  now = 0;
  private entries: Entry[] = [];
  private nextId = 1;

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.entries.push({ at: this.now + ms, fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.entries = this.entries.filter((e) => e.id !== handle);
  }

  /** Moves time forward, firing due timers in order (including ones they start). */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.entries.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.entries = this.entries.filter((e) => e !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }

  get pending(): number {
    return this.entries.length;
  }
}
