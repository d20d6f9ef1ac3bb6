import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpServerSpans, type SpanRecord, startTelemetry } from '@ivr/telemetry';
import { SpanKind, trace } from '@opentelemetry/api';
import { withEnv } from './with-env';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const TSX = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');

function runChild(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(TSX, [script], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout: stdout + stderr });
    });
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('telemetry exporters', () => {
  it('writes one JSON line per span to OTEL_TRACES_FILE', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ivr-traces-')), 'nested', 'traces.jsonl');
    const telemetry = withEnv({ OTEL_TRACES_FILE: file }, () => startTelemetry({ service: 'file-svc' }));
    try {
      expect(telemetry.traceExport).toBe('file');
      telemetry.tracer.startActiveSpan('outer', (outer) => {
        telemetry.tracer.startSpan('inner', { attributes: { step: 'one' } }).end();
        outer.end();
      });
      await telemetry.forceFlush();
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as SpanRecord);
      expect(records.map((r) => r.name)).toEqual(['inner', 'outer']);
      expect(records[0]).toMatchObject({ service: 'file-svc', attributes: { step: 'one' } });
      expect(records[0]?.parent_span_id).toBe(records[1]?.span_id);
      expect(records[0]?.trace_id).toBe(records[1]?.trace_id);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('sends spans to an OTLP/HTTP collector on shutdown', async () => {
    const received: { path: string; body: string }[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const port = await listen(collector);
    try {
      const child = await runChild(join(__dirname, 'fixtures', 'otlp-child.ts'), {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
        OTEL_TRACES_FILE: '/nonexistent/ignored',
      });
      expect(child).toEqual({ code: 0, stdout: 'otlp\n' });
      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      // OTLP/HTTP with protobuf (the SDK's default protocol): the strings travel as they are.
      expect(received[0]?.body).toContain('sent-over-otlp');
      expect(received[0]?.body).toContain('otlp-svc');
      expect(received[0]?.body).toContain('deployment.environment.name');
    } finally {
      collector.close();
    }
  });

  it('serves metrics in Prometheus text through the handler', async () => {
    const telemetry = startTelemetry({ service: 'metrics-svc', mode: 'memory' });
    const server = createServer((req, res) => telemetry.metricsHandler(req, res));
    const port = await listen(server);
    try {
      telemetry.meter
        .createCounter('payments_requested', { description: 'payments asked for' })
        .add(3, { channel: 'ivr' });
      // The event-loop delay appears once its monitor has a few samples (10 ms resolution).
      let { status, body } = await get(port, '/metrics');
      while (!body.includes('nodejs_eventloop_delay_p99_seconds{')) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ({ status, body } = await get(port, '/metrics'));
      }
      expect(status).toBe(200);
      expect(body).toContain('# HELP payments_requested_total payments asked for');
      expect(body).toMatch(/payments_requested_total\{[^}]*channel="ivr"[^}]*\} 3/);
      // The Node runtime's metrics, named with their unit as Prometheus expects.
      expect(body).toMatch(/^nodejs_eventloop_delay_p99_seconds\{[^}]*\} [\d.e-]+$/m);
      expect(body).toMatch(/^v8js_memory_heap_used_bytes\{[^}]*v8js_heap_space_name="new_space"[^}]*\} \d+$/m);
      expect(body).toContain('# TYPE nodejs_eventloop_time_seconds_total counter');
      expect(body).not.toMatch(/^(nodejs|v8js)_[a-z_.]*(delay_p99|heap_used) /m);
    } finally {
      server.close();
      await telemetry.shutdown();
    }
  });
});

describe('HTTP server spans', () => {
  it("continue the caller's traceparent, stay active past the body, and record no path, query or body", async () => {
    const telemetry = startTelemetry({ service: 'http-svc', mode: 'memory' });
    const middleware = httpServerSpans({ route: () => '/v1/things/:id' });
    let activeInHandler: string | undefined;
    const server = createServer((req, res) =>
      middleware(req, res, () => {
        // As a body parser does: the handler runs from the request's 'end' event.
        req.resume();
        req.on('end', () => {
          activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
          res.writeHead(201).end('{}');
        });
      }),
    );
    const port = await listen(server);
    try {
      const incoming = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      const res = await fetch(`http://127.0.0.1:${port}/v1/things/card-4242424242424242?token=secret`, {
        method: 'POST',
        headers: { traceparent: `00-${incoming.traceId}-${incoming.spanId}-01`, 'content-type': 'application/json' },
        body: JSON.stringify({ pan: '4242424242424242' }),
      });
      expect(res.status).toBe(201);
      await until(() => telemetry.finishedSpans().length === 1);
      const [span] = telemetry.finishedSpans();
      expect(span).toMatchObject({
        name: 'POST /v1/things/:id',
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/v1/things/:id',
          'http.response.status_code': 201,
          'url.scheme': 'http',
        },
      });
      expect(span?.spanContext().traceId).toBe(incoming.traceId);
      expect(span?.parentSpanContext?.spanId).toBe(incoming.spanId);
      expect(activeInHandler).toBe(span?.spanContext().spanId);
      expect(JSON.stringify(span?.attributes)).not.toMatch(/4242|secret|token|pan/);
    } finally {
      server.close();
      await telemetry.shutdown();
    }
  });

  it('mark a 5xx answer and a connection closed before the answer as errors', async () => {
    const telemetry = startTelemetry({ service: 'http-svc', mode: 'memory' });
    const middleware = httpServerSpans();
    const server = createServer((req, res) =>
      middleware(req, res, () => {
        if (req.url === '/fail') res.writeHead(503).end();
        else req.socket.destroy();
      }),
    );
    const port = await listen(server);
    try {
      await fetch(`http://127.0.0.1:${port}/fail`);
      await fetch(`http://127.0.0.1:${port}/hang-up`).catch(() => undefined);
      await until(() => telemetry.finishedSpans().length === 2);
      const spans = telemetry.finishedSpans();
      expect(spans.map((s) => [s.name, s.status.code, s.attributes['error.type']])).toEqual([
        ['GET', 2, '503'],
        ['GET', 2, 'connection_closed'],
      ]);
    } finally {
      server.close();
      await telemetry.shutdown();
    }
  });
});
