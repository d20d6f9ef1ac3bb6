import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import {
  context,
  logs,
  type Meter,
  metrics,
  type ProxyTracerProvider,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import {
  defaultResource,
  envDetector,
  osDetector,
  processDetector,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  InMemorySpanExporter,
  NoopSpanProcessor,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { FileSpanExporter } from './file-span-exporter';
import { runtimeMetricViews } from './runtime-metrics';

/**
 * Where finished spans go: 'otlp' (or 'environment' for other OTEL_TRACES_EXPORTER values) is the
 * SDK's own choice from the standard variables; 'file', 'memory' and 'none' are this project's.
 */
export type TraceExport = 'otlp' | 'environment' | 'file' | 'memory' | 'none';

export interface StartTelemetryOptions {
  /** service.name unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  service: string;
  version?: string;
  /** 'memory' keeps finished spans in memory for tests (see `finishedSpans`), whatever the environment says. */
  mode?: 'memory';
}

export interface Telemetry {
  readonly service: string;
  /** Where finished spans go, chosen from options and environment. */
  readonly traceExport: TraceExport;
  /** Names of the OpenTelemetry instrumentations registered (the Node runtime metrics, nothing that reads payloads). */
  readonly instrumentations: readonly string[];
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

/**
 * The running telemetry lives on globalThis, not in this module: the preload bundle
 * (`node --require ./dist/telemetry.js`, see `preloadTelemetry`) and the service's own bundle each
 * carry a copy of this package, and the service must find the one the preload started.
 */
const SLOT = Symbol.for('@ivr/telemetry');
interface Slot {
  telemetry: Telemetry;
  /** Started by the preload and not yet taken over by the service's own startTelemetry call. */
  preloaded: boolean;
}
const slots = globalThis as { [SLOT]?: Slot };

/**
 * Starts OpenTelemetry's Node SDK (`NodeSDK`): W3C trace context and baggage (or OTEL_PROPAGATORS),
 * AsyncLocalStorage context, a resource from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES over the
 * given service name, Prometheus metrics (with the Node runtime's event-loop delay, GC and heap), and
 * traces exported as the standard variables say (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, …),
 * else to a JSON-lines file when OTEL_TRACES_FILE is set, else nowhere (spans still carry ids for logs
 * and propagation). No instrumentation that reads requests or messages is registered: spans come from
 * this project's own code (gRPC, Kafka, HTTP server middleware), which records no payloads.
 *
 * When the process was started with the telemetry preload, the first call returns that instance.
 */
export function startTelemetry(options: StartTelemetryOptions): Telemetry {
  const current = slots[SLOT];
  if (current?.preloaded && options.mode !== 'memory') {
    current.preloaded = false;
    return current.telemetry;
  }
  if (current) throw new Error(`telemetry already started for ${current.telemetry.service}; call shutdown() first`);

  const traces = chooseTraceExport(options);
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const instrumentations = [new RuntimeNodeInstrumentation()];
  const sdk = new NodeSDK({
    // Lowest priority: the detectors (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME last) override these.
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.service,
        ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
        'host.name': hostname(),
      }),
    ),
    ...(process.env.OTEL_NODE_RESOURCE_DETECTORS ? {} : { resourceDetectors: SYNC_DETECTORS }),
    ...(traces.spanProcessors ? { spanProcessors: traces.spanProcessors } : {}),
    metricReaders: [prometheus],
    views: runtimeMetricViews(),
    // Logs are pino's JSON lines (@ivr/logging), not OpenTelemetry log records.
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();

  const telemetry: Telemetry = {
    service: options.service,
    traceExport: traces.traceExport,
    instrumentations: instrumentations.map((i) => i.instrumentationName),
    tracer: trace.getTracer(options.service, options.version),
    meter: metrics.getMeter(options.service, options.version),
    finishedSpans: () => traces.memory?.getFinishedSpans() ?? [],
    metricsHandler: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    forceFlush: () => tracerProvider()?.forceFlush() ?? Promise.resolve(),
    async shutdown() {
      if (slots[SLOT]?.telemetry !== telemetry) return;
      delete slots[SLOT];
      try {
        for (const instrumentation of instrumentations) instrumentation.disable();
        await sdk.shutdown();
      } finally {
        trace.disable();
        metrics.disable();
        logs.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
  slots[SLOT] = { telemetry, preloaded: false };
  return telemetry;
}

/**
 * Starts telemetry before the service's code loads, as the entry of `node --require ./dist/telemetry.js
 * dist/main.js` (scripts/build-services.mjs bundles one per service): tracer and meter providers are
 * registered before any module asks for one. The service's own startTelemetry call then adopts it.
 */
export function preloadTelemetry(service: string): Telemetry {
  const telemetry = startTelemetry({ service });
  const slot = slots[SLOT];
  if (slot) slot.preloaded = true;
  return telemetry;
}

/**
 * The default detectors but the host's (whose host.id is read asynchronously, which would hold every
 * span back until it is known): service.instance.id, process.*, os.*, then OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_SERVICE_NAME, which win. host.name is in the base resource. OTEL_NODE_RESOURCE_DETECTORS overrides.
 */
const SYNC_DETECTORS: ResourceDetector[] = [serviceInstanceIdDetector, processDetector, osDetector, envDetector];

function chooseTraceExport(options: StartTelemetryOptions): {
  traceExport: TraceExport;
  /** Undefined: the SDK builds them from the standard environment variables. */
  spanProcessors?: SpanProcessor[];
  memory?: InMemorySpanExporter;
} {
  const env = process.env;
  if (options.mode === 'memory') {
    const memory = new InMemorySpanExporter();
    return { traceExport: 'memory', spanProcessors: [new SimpleSpanProcessor({ exporter: memory })], memory };
  }
  // Spans still need a provider (real ids for logs and propagation) when nothing exports them.
  const none = { traceExport: 'none' as const, spanProcessors: [new NoopSpanProcessor()] };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.includes('none')) return none;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (exporters.length > 0) return { traceExport: exporters.every((e) => e === 'otlp') ? 'otlp' : 'environment' };
  if (endpoint) return { traceExport: 'otlp' };
  const file = env.OTEL_TRACES_FILE?.trim();
  if (file) {
    // Simple (not batched): each span is on disk as soon as it ends, so a scan right after a call sees it.
    return { traceExport: 'file', spanProcessors: [new SimpleSpanProcessor({ exporter: new FileSpanExporter(file) })] };
  }
  return none;
}

/** The SDK's tracer provider behind the API's proxy, for forceFlush (NodeSDK offers none). */
function tracerProvider(): { forceFlush(): Promise<void> } | undefined {
  const provider: object = trace.getTracerProvider();
  const delegate: object = 'getDelegate' in provider ? (provider as ProxyTracerProvider).getDelegate() : provider;
  return 'forceFlush' in delegate ? (delegate as { forceFlush(): Promise<void> }) : undefined;
}

/** The meter for a service or library; works before startTelemetry (no-op until a provider is registered). */
export function meter(service: string, version?: string): Meter {
  return metrics.getMeter(service, version);
}

/** The tracer for a service or library; no-op until startTelemetry. */
export function tracer(name: string, version?: string): Tracer {
  return trace.getTracer(name, version);
}
