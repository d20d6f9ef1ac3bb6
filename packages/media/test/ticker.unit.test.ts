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
    // Each tick's duration is recorded beside its lateness.
    expect(ticker.busy.subarray(0, ticker.latenessCount).every((ms) => ms === 5)).toBe(true);
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

describe('Ticker with phases (listeners spread over the period)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs each listener once a period, its group a quarter period after the previous one', () => {
    const ticker = new Ticker(20, () => Date.now(), 4);
    const calls = new Map<number, number[]>();
    for (let i = 0; i < 8; i++) {
      calls.set(i, []);
      ticker.add(() => calls.get(i)?.push(Date.now() - 1_000_000));
    }
    jest.advanceTimersByTime(200);
    ticker.stop();
    for (const at of calls.values()) {
      expect(at.length).toBe(10);
      for (let k = 1; k < at.length; k++) expect((at[k] as number) - (at[k - 1] as number)).toBe(20);
    }
    // Eight listeners in four groups of two, at 5, 10, 15 and 20 ms into each period.
    const firsts = [...calls.values()].map((at) => at[0] as number).sort((a, b) => a - b);
    expect(firsts).toEqual([5, 5, 10, 10, 15, 15, 20, 20]);
    expect(ticker.latenessCount).toBe(40);
  });

  it('puts a new listener in the smallest group and stops when the last one leaves', () => {
    const ticker = new Ticker(20, () => Date.now(), 2);
    const first = jest.fn();
    const second = jest.fn();
    const third = jest.fn();
    ticker.add(first);
    ticker.add(second);
    ticker.remove(first);
    ticker.add(third); // into the group `first` left
    jest.advanceTimersByTime(20);
    expect(second).toHaveBeenCalledTimes(1);
    expect(third).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
    ticker.remove(second);
    ticker.remove(third);
    expect(ticker.size).toBe(0);
    jest.advanceTimersByTime(100);
    expect(third).toHaveBeenCalledTimes(1);
  });

  it('catches up at most three periods after a stall and keeps every group on its turn', () => {
    const ticker = new Ticker(20, () => Date.now(), 4);
    const runs = [0, 0, 0, 0];
    let order = '';
    for (let g = 0; g < 4; g++)
      ticker.add(() => {
        runs[g] = (runs[g] as number) + 1;
        order += g;
        if (order.length === 6) jest.setSystemTime(Date.now() + 200);
      });
    jest.advanceTimersByTime(400);
    ticker.stop();
    // Groups always run in turn, never twice in a row, whatever the stall did.
    expect(order).toMatch(/^(0123)+[0-3]*$/);
    expect(order.replace(/(0123)/g, '')).toBe(order.slice(order.length - (order.length % 4)));
    expect(Math.max(...runs) - Math.min(...runs)).toBeLessThanOrEqual(1);
    const elapsed = Date.now() - 1_000_000;
    expect(order.length).toBeLessThanOrEqual(Math.ceil(elapsed / 5) - 20); // the missed steps were skipped
  });
});
