import { preloadTelemetry, startTelemetry, toSpanRecord } from '@ivr/telemetry';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { withEnv } from './with-env';

const NO_EXPORT = {
  OTEL_TRACES_EXPORTER: undefined,
  OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
  OTEL_TRACES_FILE: undefined,
};

describe('startTelemetry in memory mode', () => {
  const telemetry = startTelemetry({ service: 'unit-svc', version: '1.2.3', mode: 'memory' });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => telemetry.finishedSpans().splice(0));

  it('records spans with parent links across awaits', async () => {
    expect(telemetry.traceExport).toBe('memory');
    await telemetry.tracer.startActiveSpan('parent', async (parent) => {
      await new Promise((resolve) => setImmediate(resolve));
      // The AsyncLocalStorage context manager keeps the parent active after the await.
      telemetry.tracer.startSpan('child').end();
      parent.end();
    });
    const [child, parent] = telemetry.finishedSpans();
    expect(child?.name).toBe('child');
    expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(parent?.resource.attributes['service.name']).toBe('unit-svc');
    expect(parent?.resource.attributes['service.version']).toBe('1.2.3');
  });

  it('injects and extracts W3C trace context and baggage', () => {
    const span = telemetry.tracer.startSpan('outgoing');
    const carrier: Record<string, string> = {};
    const withBaggage = propagation.setBaggage(
      trace.setSpan(context.active(), span),
      propagation.createBaggage({ tenant: { value: 'acme' } }),
    );
    propagation.inject(withBaggage, carrier);
    span.end();
    expect(carrier.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(carrier.baggage).toBe('tenant=acme');

    const extracted = propagation.extract(context.active(), carrier);
    expect(trace.getSpanContext(extracted)?.traceId).toBe(span.spanContext().traceId);
    expect(propagation.getBaggage(extracted)?.getEntry('tenant')?.value).toBe('acme');
  });

  it('turns a span into a flat record', () => {
    const span = telemetry.tracer.startSpan('work', { attributes: { 'order.id': 'o-1' } });
    span.addEvent('step', { n: 1 });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.end();
    const record = toSpanRecord(telemetry.finishedSpans()[0]!);
    expect(record).toMatchObject({
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      parent_span_id: null,
      name: 'work',
      kind: 'INTERNAL',
      service: 'unit-svc',
      attributes: { 'order.id': 'o-1' },
      events: [{ name: 'step', attributes: { n: 1 } }],
      status: { code: 'ERROR', message: 'boom' },
    });
    expect(Date.parse(record.start_time)).not.toBeNaN();
    expect(record.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses a second start while running', () => {
    expect(() => startTelemetry({ service: 'other' })).toThrow('telemetry already started for unit-svc');
  });
});

describe('startTelemetry without an exporter', () => {
  it('exports nowhere and can start again after shutdown', async () => {
    const first = withEnv(NO_EXPORT, () => startTelemetry({ service: 'a' }));
    expect(first.traceExport).toBe('none');
    await first.shutdown();
    const second = withEnv(NO_EXPORT, () => startTelemetry({ service: 'b' }));
    // Spans still get real ids, so logs and propagation work without an exporter.
    const span = second.tracer.startSpan('x');
    expect(span.spanContext().traceId).not.toBe('00000000000000000000000000000000');
    span.end();
    await second.shutdown();
  });
});

describe('startTelemetry and the standard OTEL_* variables', () => {
  it('names the service from OTEL_SERVICE_NAME and adds OTEL_RESOURCE_ATTRIBUTES', async () => {
    const telemetry = withEnv(
      { OTEL_SERVICE_NAME: 'renamed', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,team=payments' },
      () => startTelemetry({ service: 'given', version: '2.0.0', mode: 'memory' }),
    );
    try {
      telemetry.tracer.startSpan('x').end();
      const attributes = telemetry.finishedSpans()[0]?.resource.attributes;
      expect(attributes).toMatchObject({
        'service.name': 'renamed',
        'service.version': '2.0.0',
        'deployment.environment.name': 'staging',
        team: 'payments',
        'telemetry.sdk.name': 'opentelemetry',
      });
      expect(attributes?.['host.name']).toEqual(expect.any(String));
      expect(attributes?.['service.instance.id']).toEqual(expect.any(String));
    } finally {
      await telemetry.shutdown();
    }
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, 'otlp'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1/v1/traces' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
    [{ OTEL_TRACES_EXPORTER: 'console' }, 'environment'],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, 'none'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_FILE: '/nonexistent/x.jsonl' }, 'otlp'],
  ])('chooses the trace export from %j: %s', async (vars, expected) => {
    const telemetry = withEnv({ ...NO_EXPORT, ...vars }, () => startTelemetry({ service: 'choice' }));
    expect(telemetry.traceExport).toBe(expected);
    await telemetry.shutdown();
  });

  it('registers the Node runtime metrics and no instrumentation that reads requests or messages', async () => {
    const telemetry = startTelemetry({ service: 'instrumented', mode: 'memory' });
    expect(telemetry.instrumentations).toEqual(['@opentelemetry/instrumentation-runtime-node']);
    await telemetry.shutdown();
  });
});

describe('preloadTelemetry', () => {
  it("is taken over by the service's own startTelemetry, once", async () => {
    const preloaded = withEnv(NO_EXPORT, () => preloadTelemetry('preloaded-svc'));
    try {
      expect(startTelemetry({ service: 'preloaded-svc' })).toBe(preloaded);
      expect(() => startTelemetry({ service: 'preloaded-svc' })).toThrow('telemetry already started for preloaded-svc');
    } finally {
      await preloaded.shutdown();
    }
  });
});
