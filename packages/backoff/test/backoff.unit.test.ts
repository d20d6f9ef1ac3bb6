import { backoffDelayMs, sleep } from '../src';

const policy = { initialMs: 100, maxMs: 1000 };
const highest = () => 0.999_999;
const lowest = () => 0;

describe('backoffDelayMs', () => {
  it('doubles after each failure up to the cap (the top of the jitter range)', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, highest))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('never waits less than half of that: the jitter spreads retries, it does not remove the wait', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, lowest))).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('stays in [half, whole] with the real random source', () => {
    for (let n = 1; n <= 10; n++) {
      const whole = Math.min(1000, 100 * 2 ** (n - 1));
      const d = backoffDelayMs(n, policy);
      expect(d).toBeGreaterThanOrEqual(whole / 2);
      expect(d).toBeLessThanOrEqual(whole);
    }
  });

  it('grows by the given factor, and treats "no failure yet" as the first', () => {
    const tripling = { initialMs: 50, maxMs: 4000, factor: 3 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, tripling, highest))).toEqual([50, 50, 150, 450, 1350, 4000]);
  });
});

describe('sleep', () => {
  it('resolves true when the time is up', async () => {
    expect(await sleep(1)).toBe(true);
  });

  it('resolves false at once when stopped, before or during the wait', async () => {
    const stop = new AbortController();
    const waiting = sleep(600_000, stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await sleep(600_000, stop.signal)).toBe(false);
  });
});
