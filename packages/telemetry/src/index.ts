export { FileSpanExporter, type SpanRecord, toSpanRecord } from './file-span-exporter';
export { type HttpServerSpanOptions, httpServerSpans } from './http-server-spans';
export { prometheusName, SECONDS_BUCKETS } from './runtime-metrics';
export {
  meter,
  preloadTelemetry,
  type StartTelemetryOptions,
  startTelemetry,
  type Telemetry,
  type TraceExport,
  tracer,
} from './telemetry';
