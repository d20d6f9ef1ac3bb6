// The receiver's replay list (RFC 3711 §3.3.2): a sliding window of the last `size` packet indices
// behind the highest one authenticated. An index seen already, or older than the window, is a replay.
// A ring of flags indexed by index mod size: no big integers, no shifting.

export type ReplayCheck = 'fresh' | 'replayed' | 'too_old';

export class ReplayWindow {
  private top = -1;
  private readonly seen: Uint8Array;

  constructor(readonly size = 128) {
    if (!Number.isInteger(size) || size < 64) throw new RangeError('the replay window holds at least 64 packets');
    this.seen = new Uint8Array(size);
  }

  /** Whether `index` may be accepted; check before authenticating, accept() after. */
  check(index: number): ReplayCheck {
    if (index > this.top) return 'fresh';
    if (this.top - index >= this.size) return 'too_old';
    return this.seen[index % this.size] ? 'replayed' : 'fresh';
  }

  /** Records an authenticated index. */
  accept(index: number): void {
    if (index > this.top) {
      if (this.top < 0 || index - this.top >= this.size) this.seen.fill(0);
      else for (let i = this.top + 1; i <= index; i++) this.seen[i % this.size] = 0;
      this.top = index;
    }
    this.seen[index % this.size] = 1;
  }

  get highest(): number {
    return this.top;
  }
}
