// Memory growth over a soak: the mean of the minute after the warm-up against the mean of the last
// minute of load. Means of several samples, so one sample caught mid-allocation does not decide it.
import type { Growth, MemorySample } from '../figures';

export const WINDOW_S = 60;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Growth in percent of `pick` (e.g. RSS) from [warmupS, warmupS + 60 s) to (loadEndS − 60 s, loadEndS].
 * NaN when a window holds no sample: the verdict then fails rather than passes on no evidence.
 */
export function growth(
  samples: MemorySample[],
  pick: (s: MemorySample) => number,
  warmupS: number,
  loadEndS: number,
): Growth {
  const first = samples.filter((s) => s.t >= warmupS && s.t < warmupS + WINDOW_S).map(pick);
  const last = samples.filter((s) => s.t > loadEndS - WINDOW_S && s.t <= loadEndS).map(pick);
  const firstMiB = mean(first);
  const lastMiB = mean(last);
  const measured = samples.filter((s) => s.t >= warmupS && s.t <= loadEndS);
  return {
    firstMiB,
    lastMiB,
    percent: ((lastMiB - firstMiB) / firstMiB) * 100,
    trendMiBPerMin: slope(measured.map((s) => [s.t / 60, pick(s)])),
  };
}

/** Least-squares slope of y over x; NaN for fewer than two points. */
function slope(points: Array<[number, number]>): number {
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return points.length < 2 || sxx === 0 ? Number.NaN : sxy / sxx;
}

/** True when every figure is under the limit (NaN is not). */
export const under = (limitPercent: number, ...growths: Growth[]): boolean =>
  growths.every((g) => g.percent < limitPercent);
