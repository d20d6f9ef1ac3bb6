// The soak's arithmetic and the benchmark plot: growth windows, the verdict on missing evidence,
// the heap snapshot diff, and a PNG that renders from figures.

import type { MemorySample, SoakRun, SystemRun } from '../bench/figures';
import { renderSoakPng, renderSystemPng } from '../bench/plot/render';
import { niceMax } from '../bench/plot/svg';
import { growth, under } from '../bench/soak/growth';
import { census, diffCensus } from '../bench/soak/heap-diff';

const samples = (f: (t: number) => number, toS = 600): MemorySample[] =>
  Array.from({ length: toS / 10 + 1 }, (_, i) => ({ t: i * 10, rssMiB: f(i * 10), heapUsedMiB: 10, externalMiB: 1 }));

describe('soak growth', () => {
  it('compares the minute after the warm-up with the last minute, ignoring the warm-up', () => {
    const warmupSpike = samples((t) => (t < 60 ? 500 : 100));
    expect(growth(warmupSpike, (s) => s.rssMiB, 60, 600).percent).toBeCloseTo(0);
  });

  it('measures steady growth between the two windows', () => {
    const g = growth(
      samples((t) => (t < 300 ? 100 : 110)),
      (s) => s.rssMiB,
      60,
      600,
    );
    expect(g.firstMiB).toBe(100);
    expect(g.lastMiB).toBe(110);
    expect(g.percent).toBeCloseTo(10);
    expect(under(5, g)).toBe(false);
  });

  it('gives a leak a trend and a flat line none', () => {
    expect(
      growth(
        samples((t) => 100 + t / 60),
        (s) => s.rssMiB,
        60,
        600,
      ).trendMiBPerMin,
    ).toBeCloseTo(1);
    expect(
      growth(
        samples(() => 100),
        (s) => s.rssMiB,
        60,
        600,
      ).trendMiBPerMin,
    ).toBeCloseTo(0);
  });

  it('fails when a window has no sample rather than passing on no evidence', () => {
    const g = growth(
      samples(() => 100, 50),
      (s) => s.rssMiB,
      60,
      600,
    );
    expect(Number.isNaN(g.percent)).toBe(true);
    expect(under(5, g)).toBe(false);
  });
});

describe('heap snapshot diff', () => {
  const snapshot = (nodes: Array<[type: number, name: number, size: number]>) =>
    JSON.stringify({
      snapshot: { meta: { node_fields: ['type', 'name', 'self_size'], node_types: [['hidden', 'object', 'string']] } },
      nodes: nodes.flat(),
      strings: ['Promise', 'Socket', 'some text'],
    });

  it('names the constructors that gained bytes, largest first', () => {
    const before = census(
      snapshot([
        [1, 0, 100],
        [1, 1, 50],
        [2, 2, 10],
      ]),
    );
    const after = census(
      snapshot([
        [1, 0, 100],
        [1, 0, 100],
        [1, 0, 100],
        [1, 1, 60],
        [2, 2, 10],
      ]),
    );
    expect(diffCensus(before, after)).toEqual([
      { what: 'object Promise', addedObjects: 2, addedBytes: 200 },
      { what: 'object Socket', addedObjects: 0, addedBytes: 10 },
    ]);
  });
});

describe('benchmark plot', () => {
  it('rounds axes up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(0), niceMax(7), niceMax(12), niceMax(40), niceMax(430)]).toEqual([1, 10, 20, 50, 500]);
  });

  it('renders a PNG from a system run and a soak', () => {
    const latency = { n: 10, p50: 700, p99: 900, max: 950 };
    const system = {
      kind: 'system',
      startedAt: '2026-11-26T22:00:00.000Z',
      commit: 'abc1234',
      cores: 2,
      ceilings: { plainInsertsPerS: 9000, kafkaRecordsPerS: 17000, loadBefore: '1.0 1.0 1.0' },
      rates: [5, 10].map((r) => ({
        offeredPerS: r,
        paymentsPerS: r,
        failed: 0,
        placementSeconds: 10,
        toResultMs: latency,
      })),
      loadAtEnd: '2.0 1.5 1.0',
    } as unknown as SystemRun;
    const soak = {
      kind: 'soak',
      startedAt: '2026-11-26T22:10:00.000Z',
      commit: 'abc1234',
      cores: 2,
      minutes: 10,
      ratePerS: 5,
      warmupSeconds: 60,
      limitPercent: 5,
      completed: 3000,
      failed: 0,
      services: [
        { name: 'dtmf-vault', pid: 1, samples: samples(() => 80), rss: { percent: 0.5 }, heap: { percent: 0.1 } },
      ],
      loadBefore: '1.0 1.0 1.0',
      loadAtEnd: '1.0 1.0 1.0',
    } as unknown as SoakRun;
    for (const png of [renderSystemPng(system), renderSoakPng(soak)]) {
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
    }
  });
});
