import { parseEnvelope } from '@ivr/contracts';
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { buildHeaders, decodeHeaders, groupByTopic, type OutgoingMessage, serializeEnvelope } from '../src';

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

beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  propagation.disable();
  context.disable();
});

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
    const versions = groups.map((g) => g.messages.map((x) => JSON.parse(String(x.value)).version));
    expect(versions).toEqual([
      [1, 2, 3],
      [1, 2],
    ]);
    expect(groups[0]?.messages[0]?.key).toBe('k');
  });
});
