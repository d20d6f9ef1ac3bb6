import { parseEnvelope } from '@ivr/contracts';
import { startTelemetry } from '@ivr/telemetry';
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { buildHeaders, decodeHeaders, groupByTopic, type OutgoingMessage, serializeEnvelope, startSends } from '../src';

const envelope = {
  specVersion: 1 as const,
  eventId: 'evt-00000001',
  type: 'PaymentRequested',
  aggregateType: 'Payment',
  aggregateId: 'pay-1',
  version: 1,
  occurredAt: '2026-11-26T10:00:00.000Z',
  correlationId: 'corr-1',
  payload: { amountMinor: 1999, currency: 'GBP' },
};
const message: OutgoingMessage = { topic: 'ivr.payments.v1', key: 'pay-1', envelope };

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';
const activeContext = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED });

// W3C propagation and the AsyncLocalStorage context, as in a service.
const telemetry = startTelemetry({ service: 'kafka-headers-test', mode: 'memory' });
afterAll(() => telemetry.shutdown());

describe('buildHeaders', () => {
  it('names the event and the content type', () => {
    const headers = buildHeaders(message, ROOT_CONTEXT);
    expect(headers).toEqual({
      'event-id': 'evt-00000001',
      'event-type': 'PaymentRequested',
      'content-type': 'application/json',
    });
  });

  it('injects W3C trace context from the given context', () => {
    expect(buildHeaders(message, activeContext).traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('uses the active context by default', () => {
    const headers = context.with(activeContext, () => buildHeaders(message));
    expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('keeps a traceparent the caller brought (the one stored in the outbox)', () => {
    const stored = '00-11111111111111111111111111111111-2222222222222222-01';
    const headers = buildHeaders({ ...message, headers: { traceparent: stored } }, activeContext);
    expect(headers.traceparent).toBe(stored);
  });

  it('keeps extra caller headers but not ones contradicting the envelope', () => {
    const headers = buildHeaders({ ...message, headers: { 'event-id': 'other', 'x-tenant': 'acme' } }, ROOT_CONTEXT);
    expect(headers['event-id']).toBe('evt-00000001');
    expect(headers['x-tenant']).toBe('acme');
  });
});

describe('serializeEnvelope', () => {
  it('round-trips through parseEnvelope', () => {
    const parsed = parseEnvelope(Buffer.from(serializeEnvelope(envelope)));
    expect(parsed).toEqual({ ok: true, envelope });
  });
});

describe('decodeHeaders', () => {
  it('turns Buffers into strings and keeps the first of repeated headers', () => {
    expect(
      decodeHeaders({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), Buffer.from('2')], d: undefined }),
    ).toEqual({
      a: 'x',
      b: 'y',
      c: '1',
    });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});

describe('groupByTopic', () => {
  it('groups per topic and keeps the order within each topic', () => {
    const m = (topic: string, version: number): OutgoingMessage => ({
      topic,
      key: 'k',
      envelope: { ...envelope, version },
    });
    const groups = groupByTopic([m('a', 1), m('b', 1), m('a', 2), m('a', 3), m('b', 2)]);
    expect(groups.map((g) => g.topic)).toEqual(['a', 'b']);
    const versions = groups.map((g) => g.messages.map((x) => x.envelope.version));
    expect(versions).toEqual([
      [1, 2, 3],
      [1, 2],
    ]);
    expect(groups[0]?.messages[0]?.key).toBe('k');
  });
});

describe('startSends', () => {
  beforeEach(() => telemetry.finishedSpans().splice(0));

  it('sends each topic in a PRODUCER span named `send {topic}` whose context the messages carry', () => {
    const stored = '00-11111111111111111111111111111111-2222222222222222-01';
    const sends = context.with(activeContext, () =>
      startSends(
        groupByTopic([
          { topic: 'ivr.payments.v1', key: 'pay-1', envelope },
          { topic: 'ivr.calls.v1', key: 'call-1', envelope, headers: { traceparent: stored } },
          { topic: 'ivr.payments.v1', key: 'pay-1', envelope: { ...envelope, version: 2 } },
        ]),
      ),
    );
    for (const send of sends) send.span.end();
    const [payments, calls] = telemetry.finishedSpans();
    expect(sends.map((s) => s.topic)).toEqual(['ivr.payments.v1', 'ivr.calls.v1']);
    expect(payments).toMatchObject({
      name: 'send ivr.payments.v1',
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'ivr.payments.v1',
        'messaging.batch.message_count': 2,
      },
      links: [],
    });
    expect(payments?.parentSpanContext?.spanId).toBe(spanId);
    expect(payments?.spanContext().traceId).toBe(traceId);
    const sentIn = `00-${traceId}-${payments?.spanContext().spanId}-01`;
    expect(sends[0]?.messages.map((m) => m.headers?.traceparent)).toEqual([sentIn, sentIn]);
    // A message with a stored trace context keeps it; its send span links to it.
    expect(calls?.name).toBe('send ivr.calls.v1');
    expect(calls?.attributes['messaging.batch.message_count']).toBeUndefined();
    expect(sends[1]?.messages[0]?.headers?.traceparent).toBe(stored);
    expect(calls?.links.map((l) => l.context.spanId)).toEqual(['2222222222222222']);
  });
});
