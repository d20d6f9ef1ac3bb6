import type { EventEnvelope } from '@ivr/contracts';
import { type Context, context as otelContext, propagation } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/** One event to publish. key = aggregate id, so that all events of one aggregate stay in order. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  envelope: EventEnvelope;
  /** Extra headers. A `traceparent` here (the one the outbox stored with the event) wins over the active context. */
  headers?: Record<string, string>;
}

export const HeaderNames = {
  eventId: 'event-id',
  eventType: 'event-type',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/**
 * The headers of an outgoing message: the caller's, then the envelope's identity (which must match
 * the value, so it overrides the caller), then W3C trace context unless the caller brought one.
 */
export function buildHeaders(message: OutgoingMessage, ctx: Context = otelContext.active()): Record<string, string> {
  const headers: Record<string, string> = { ...message.headers };
  headers[HeaderNames.eventId] = message.envelope.eventId;
  headers[HeaderNames.eventType] = message.envelope.type;
  headers[HeaderNames.contentType] = 'application/json';
  if (headers[HeaderNames.traceparent] === undefined) {
    propagation.inject(ctx, headers);
  }
  return headers;
}

export function serializeEnvelope(envelope: EventEnvelope): string {
  return JSON.stringify(envelope);
}

/** kafkajs hands headers over as Buffers (or arrays when a name repeats); handlers get plain strings. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A repeated header is not something this product writes; the first occurrence is kept.
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    decoded[name] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return decoded;
}
