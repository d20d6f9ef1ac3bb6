import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpanRecord, startTelemetry } from '@ivr/telemetry';

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
    const telemetry = startTelemetry({ service: 'file-svc', env: { OTEL_TRACES_FILE: file } });
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
        OTEL_TRACES_FILE: '/nonexistent/ignored',
      });
      expect(child).toEqual({ code: 0, stdout: 'otlp\n' });
      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      expect(received[0]?.body).toContain('sent-over-otlp');
      expect(received[0]?.body).toContain('otlp-svc');
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
      const { status, body } = await get(port, '/metrics');
      expect(status).toBe(200);
      expect(body).toContain('# HELP payments_requested_total payments asked for');
      expect(body).toMatch(/payments_requested_total\{[^}]*channel="ivr"[^}]*\} 3/);
    } finally {
      server.close();
      await telemetry.shutdown();
    }
  });
});
