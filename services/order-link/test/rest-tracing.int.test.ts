// An order system's trace continues into the payment: the REST API's SERVER span is a child of the
// caller's traceparent, and the events the request appends carry that trace to the outbox (and so to
// Kafka and every service after it).
import { startTelemetry } from '@ivr/telemetry';
import { SpanKind } from '@opentelemetry/api';
import { type Harness, startHarness, validPayment } from './harness';

const telemetry = startTelemetry({ service: 'order-link-tracing-test', mode: 'memory' });
let h: Harness;
beforeAll(async () => {
  h = await startHarness('oltrace');
});
afterAll(async () => {
  await h.close();
  await telemetry.shutdown();
});

/** The SERVER span, once the response has finished (it ends on 'finish'). */
async function serverSpan() {
  for (;;) {
    const span = telemetry.finishedSpans().find((s) => s.kind === SpanKind.SERVER);
    if (span) return span;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

it("continues the caller's traceparent in a SERVER span and into the payment's events", async () => {
  const caller = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
  const res = await fetch(`${h.base}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${h.key}`,
      'idempotency-key': 'tracing-test-1',
      'content-type': 'application/json',
      traceparent: `00-${caller.traceId}-${caller.spanId}-01`,
    },
    body: JSON.stringify(validPayment('T-1')),
  });
  expect(res.status).toBe(201);
  const { paymentId } = (await res.json()) as { paymentId: string };

  const server = await serverSpan();
  expect(server).toMatchObject({
    name: 'POST /v1/payments',
    attributes: { 'http.request.method': 'POST', 'http.route': '/v1/payments', 'http.response.status_code': 201 },
  });
  expect(server?.spanContext().traceId).toBe(caller.traceId);
  expect(server?.parentSpanContext?.spanId).toBe(caller.spanId);

  const { rows } = await h.pool.query<{ headers: Record<string, string> }>(
    `select headers from "${h.schema}".outbox where key = $1`,
    [paymentId],
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.headers.traceparent).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`));
});

it('names the span by route template, never by the path a caller sent', async () => {
  telemetry.finishedSpans().splice(0);
  const res = await fetch(`${h.base}/v1/payments/4242424242424242`, { headers: { authorization: `Bearer ${h.key}` } });
  expect(res.status).toBe(400); // not a payment id
  const server = await serverSpan();
  expect(server?.name).toBe('GET /v1/payments/:paymentId');
  expect(JSON.stringify(server?.attributes)).not.toContain('4242');
});
