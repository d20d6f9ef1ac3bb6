// A bounded FIFO of 16-bit samples between two clocks (a leg's packets and the 20 ms ticker): when
// the writer runs ahead, the oldest samples are dropped, so the delay through it never grows.

export class SampleQueue {
  private readonly ring: Int16Array;
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    this.ring = new Int16Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(samples: Int16Array, n = samples.length): void {
    const { ring } = this;
    for (let i = Math.max(0, n - ring.length); i < n; i++) {
      if (this.count === ring.length) {
        this.start = (this.start + 1) % ring.length;
        this.count--;
      }
      ring[(this.start + this.count) % ring.length] = samples[i] as number;
      this.count++;
    }
  }

  /** Adds up to `n` queued samples onto `out` (saturating) and returns how many there were. */
  mixInto(out: Int16Array, n = out.length): number {
    const { ring } = this;
    const taken = Math.min(n, this.count);
    for (let i = 0; i < taken; i++) {
      const at = (this.start + i) % ring.length;
      const sum = (out[i] as number) + (ring[at] as number);
      out[i] = Math.max(-32768, Math.min(32767, sum));
      ring[at] = 0;
    }
    this.start = (this.start + taken) % ring.length;
    this.count -= taken;
    return taken;
  }

  /** Forgets and overwrites everything queued. */
  clear(): void {
    this.ring.fill(0);
    this.start = 0;
    this.count = 0;
  }
}
