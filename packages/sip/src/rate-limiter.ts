// Per-source token bucket: a flooding address loses its excess messages without touching
// anyone else's budget. Idle buckets are forgotten so that the map cannot grow without bound.

export interface RateLimit {
  /** Sustained messages per second per source address. */
  perSecond: number;
  /** Messages a source may send at once before the sustained rate applies. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxSources = 100_000,
  ) {}

  /** True when the source may send one more message now. */
  allow(source: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= this.maxSources) this.sweep(now);
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(source, bucket);
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Drops buckets that have refilled completely (their sources have been quiet). */
  sweep(now = this.now()): void {
    const refill = (this.limit.burst / this.limit.perSecond) * 1000;
    for (const [source, bucket] of this.buckets) if (now - bucket.at >= refill) this.buckets.delete(source);
  }
}
