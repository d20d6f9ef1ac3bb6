// Prometheus names for the Node runtime metrics of @opentelemetry/instrumentation-runtime-node, with the
// unit in the name as Prometheus expects (and as OpenTelemetry's Prometheus compatibility rules give):
// seconds `_seconds`, bytes `_bytes`, ratios `_ratio`. The exporter adds `_total` to counters itself.
import type { ViewOptions } from '@opentelemetry/sdk-metrics';

/** Instrument name → unit, as the instrumentation creates them (0.37). */
const RUNTIME_INSTRUMENTS: Record<string, 's' | 'By' | '1' | '{resource}'> = {
  'nodejs.eventloop.delay.min': 's',
  'nodejs.eventloop.delay.max': 's',
  'nodejs.eventloop.delay.mean': 's',
  'nodejs.eventloop.delay.stddev': 's',
  'nodejs.eventloop.delay.p50': 's',
  'nodejs.eventloop.delay.p90': 's',
  'nodejs.eventloop.delay.p99': 's',
  'nodejs.eventloop.time': 's',
  'nodejs.eventloop.utilization': '1',
  'v8js.gc.duration': 's',
  'v8js.memory.heap.space.size': 'By',
  'v8js.memory.heap.used': 'By',
  'v8js.memory.heap.space.available_size': 'By',
  'v8js.memory.heap.space.physical_size': 'By',
  'v8js.resource.active': '{resource}',
};

const SUFFIX: Record<string, string> = { s: '_seconds', By: '_bytes', '1': '_ratio' };

export function prometheusName(instrument: string, unit: string): string {
  return instrument.replace(/\./g, '_') + (SUFFIX[unit] ?? '');
}

/** One view per runtime instrument, renaming it to its Prometheus name. */
export function runtimeMetricViews(): ViewOptions[] {
  return Object.entries(RUNTIME_INSTRUMENTS).map(([instrumentName, unit]) => ({
    instrumentName,
    meterName: '@opentelemetry/instrumentation-runtime-node',
    name: prometheusName(instrumentName, unit),
  }));
}

/** Bucket bounds for durations in seconds (OpenTelemetry's HTTP duration buckets, up to a minute). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];
