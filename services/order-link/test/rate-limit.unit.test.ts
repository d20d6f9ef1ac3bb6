import { RateLimiter, sourceOf } from '../src/adapters/http/rate-limit';

describe('token buckets and sources (pure)', () => {
  it('allows a minute of requests at once, refills continuously, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(1);
    now += 500;
    expect(limiter.take('k')).toBe(1);
    now += 500;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('other')).toBe(0);
  });

  it('holds a bounded number of buckets, dropping full ones first', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now, 3);
    for (const k of ['a', 'b', 'c', 'd', 'e']) limiter.take(k);
    expect(limiter.size).toBeLessThanOrEqual(3);
    now += 60_000;
    limiter.take('f');
    expect(limiter.size).toBe(1);
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 by /64', () => {
    expect(sourceOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceOf('192.0.2.1')).toBe('192.0.2.1');
    expect(sourceOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOf(undefined)).toBe('unknown');
  });
});
