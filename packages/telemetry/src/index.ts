export { FileSpanExporter, type SpanRecord, toSpanRecord } from './file-span-exporter';
export {
  meter,
  type StartTelemetryOptions,
  startTelemetry,
  type Telemetry,
  type TraceExport,
  tracer,
} from './telemetry';
