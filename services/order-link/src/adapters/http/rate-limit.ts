// Rate limits of the REST API (per API key, per source address) and of the console's sign-in (per
// source, before any password is hashed): docs/security-audit.md, item 10. Token buckets in this
// process's memory: a limit is per order-link replica (docs/api/README.md says what that means for
// order systems, and why not a shared counter in PostgreSQL).
import { isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../app/errors';

/**
 * `perMinute` requests a minute for each key: a bucket of that many tokens, refilled continuously,
 * so a quiet client may spend a whole minute's worth at once. At most `maxKeys` buckets are held: a
 * full bucket is the same as none and is dropped first; beyond that the oldest goes.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    if (!(perMinute > 0)) throw new Error('a rate limit needs a positive number of requests per minute');
    this.perMs = perMinute / 60_000;
  }

  /** Takes one request for `key`: 0 when it may go on, else the whole seconds until it may (Retry-After). */
  take(key: string): number {
    const now = this.now();
    const held = this.buckets.get(key);
    const tokens = held ? Math.min(this.perMinute, held.tokens + (now - held.at) * this.perMs) : this.perMinute;
    if (tokens >= 1) {
      if (held)
        this.buckets.delete(key); // re-inserted last: the map's order is least recently used first
      else if (this.buckets.size >= this.maxKeys) this.evict(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    if (held) {
      held.tokens = tokens;
      held.at = now;
    }
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Buckets held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

/**
 * The source a request is counted under: the client's address as the trusted proxy reports it
 * (`req.ip`, TRUSTED_PROXIES), IPv4-mapped IPv6 as IPv4, and IPv6 by its /64 (one subscriber's
 * network, where a client can pick any of 2^64 addresses).
 */
export function sourceOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Middleware: one request of `keyOf(req)` from `limiter`; over the limit, a 429 problem with
 * Retry-After (the error handler answers it). A request without a key (null) is not counted here.
 */
export function limitBy(limiter: RateLimiter | undefined, keyOf: (req: Request) => string | null, what: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = limiter ? keyOf(req) : null;
    const wait = key === null ? 0 : limiter!.take(key);
    if (wait > 0) {
      res.set('retry-after', String(wait));
      throw new AppError('rate_limited', `too many requests ${what}; retry after ${wait} s`);
    }
    next();
  };
}

/** A limiter of `perMinute` requests a minute, or none when 0 (the limit is off). */
export const limiterOf = (perMinute: number, now?: () => number): RateLimiter | undefined =>
  perMinute > 0 ? new RateLimiter(perMinute, now) : undefined;
