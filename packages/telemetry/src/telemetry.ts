import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, type Meter, metrics, propagation, type Tracer, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { FileSpanExporter } from './file-span-exporter';

export type TraceExport = 'otlp' | 'file' | 'memory' | 'none';

export interface StartTelemetryOptions {
  service: string;
  version?: string;
  /** 'memory' keeps finished spans in memory for tests (see `finishedSpans`), whatever the environment says. */
  mode?: 'memory';
  /** Where OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_TRACES_FILE are read from; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export interface Telemetry {
  readonly service: string;
  /** Where finished spans go, chosen from options and environment. */
  readonly traceExport: TraceExport;
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Spans finished so far; empty unless `mode: 'memory'`. */
  finishedSpans(): ReadableSpan[];
  /** Serves Prometheus text; the admin server mounts it at /metrics. */
  metricsHandler(request: IncomingMessage, response: ServerResponse): void;
  forceFlush(): Promise<void>;
  /** Flushes, then unregisters the global providers so telemetry can be started again (tests). */
  shutdown(): Promise<void>;
}

let active: Telemetry | undefined;

/**
 * Registers a global tracer provider (W3C trace context + baggage, AsyncLocalStorage context) and a meter
 * provider read by Prometheus. Traces go to OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else to a
 * JSON-lines file when OTEL_TRACES_FILE is set, else nowhere (spans still carry ids for logs and propagation).
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  if (active) throw new Error(`telemetry already started for ${active.service}; call shutdown() first`);
  const env = options.env ?? process.env;
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: options.service,
    ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
  });

  const { traceExport, processor, memory } = chooseTraceExport(options, env);
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: processor ? [processor] : [] });
  tracerProvider.register({
    propagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ resource, readers: [prometheus] });
  metrics.setGlobalMeterProvider(meterProvider);

  const telemetry: Telemetry = {
    service: options.service,
    traceExport,
    tracer: trace.getTracer(options.service, options.version),
    meter: metrics.getMeter(options.service, options.version),
    finishedSpans: () => memory?.getFinishedSpans() ?? [],
    metricsHandler: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    forceFlush: () => tracerProvider.forceFlush(),
    async shutdown() {
      if (active !== telemetry) return;
      active = undefined;
      try {
        await tracerProvider.shutdown();
        await meterProvider.shutdown();
      } finally {
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
  active = telemetry;
  return telemetry;
}

function chooseTraceExport(
  options: StartTelemetryOptions,
  env: Record<string, string | undefined>,
): { traceExport: TraceExport; processor?: SpanProcessor; memory?: InMemorySpanExporter } {
  if (options.mode === 'memory') {
    const memory = new InMemorySpanExporter();
    return { traceExport: 'memory', processor: new SimpleSpanProcessor(memory), memory };
  }
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (endpoint) {
    const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${endpoint.replace(/\/+$/, '')}/v1/traces`;
    return { traceExport: 'otlp', processor: new BatchSpanProcessor(new OTLPTraceExporter({ url })) };
  }
  const file = env.OTEL_TRACES_FILE?.trim();
  if (file) {
    // Simple (not batched): each span is on disk as soon as it ends, so a scan right after a call sees it.
    return { traceExport: 'file', processor: new SimpleSpanProcessor(new FileSpanExporter(file)) };
  }
  return { traceExport: 'none' };
}

/** The meter for a service or library; works before startTelemetry (no-op until a provider is registered). */
export function meter(service: string, version?: string): Meter {
  return metrics.getMeter(service, version);
}

/** The tracer for a service or library; no-op until startTelemetry. */
export function tracer(name: string, version?: string): Tracer {
  return trace.getTracer(name, version);
}
