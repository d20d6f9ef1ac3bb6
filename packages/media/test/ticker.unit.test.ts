import { Ticker } from '../src';

// Fake timers and a fake clock: what is checked is the schedule's logic, not real timing.
describe('Ticker (shared 20 ms clock)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('does not drift when each tick takes time: one tick per 20 ms of clock even at 5 ms of work per tick', () => {
    const ticker = new Ticker(20, () => Date.now());
    let ticks = 0;
    ticker.add(() => {
      ticks++;
      jest.setSystemTime(Date.now() + 5); // the sessions' work on this tick
    });
    jest.advanceTimersByTime(1000);
    ticker.stop();
    const elapsed = Date.now() - 1_000_000;
    // "20 ms after the previous tick" would give elapsed / 25 ticks; the anchored schedule gives elapsed / 20.
    expect(Math.abs(ticks - elapsed / 20)).toBeLessThanOrEqual(1);
  });

  it('catches up at most three ticks after a stall, then re-anchors instead of bursting', () => {
    const ticker = new Ticker(20, () => Date.now());
    const at: number[] = [];
    ticker.add(() => {
      at.push(Date.now());
      if (at.length === 5) jest.setSystemTime(Date.now() + 200); // a 200 ms stall (e.g. a long GC)
    });
    jest.advanceTimersByTime(400);
    ticker.stop();
    // Ten ticks were due after the stall; at most three (the stalled one included) run back to back.
    const burst = at.filter((t, i) => i > 0 && t === at[i - 1]).length;
    expect(burst).toBeGreaterThanOrEqual(1);
    expect(burst).toBeLessThanOrEqual(2);
    const elapsed = Date.now() - 1_000_000;
    expect(at.length).toBeLessThanOrEqual(Math.ceil(elapsed / 20) - 5); // the missed ticks were skipped
    expect(ticker.latenessCount).toBe(at.length);
  });

  it('runs every listener even if one throws, and stops when the last one leaves', () => {
    const ticker = new Ticker(20, () => Date.now());
    let good = 0;
    const bad = () => {
      throw new Error('broken session');
    };
    const counter = () => {
      good++;
    };
    ticker.add(bad);
    ticker.add(counter);
    jest.advanceTimersByTime(100);
    expect(good).toBe(5);
    ticker.remove(bad);
    ticker.remove(counter);
    expect(ticker.size).toBe(0);
    jest.advanceTimersByTime(100);
    expect(good).toBe(5);
  });
});
