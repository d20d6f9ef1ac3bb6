/**
 * The versioned envelope every event travels in, on Kafka and in the outbox.
 * key = aggregate id (order id for the public topic); trace context rides in Kafka headers.
 */
export interface EventEnvelope<P = unknown> {
  /** Envelope format version; bump only with a new topic version. */
  specVersion: 1;
  /** Unique per event; consumers deduplicate on it. */
  eventId: string;
  /** Event type, e.g. `PaymentRequested`. */
  type: string;
  /** Aggregate type, e.g. `Payment`. */
  aggregateType: string;
  aggregateId: string;
  /** Position of the event in its aggregate's stream, starting at 1. */
  version: number;
  /** ISO 8601 time the event was recorded. */
  occurredAt: string;
  /** The request or call this event belongs to, across services. */
  correlationId?: string;
  /** The event or command that caused this one. */
  causationId?: string;
  payload: P;
}

export type EnvelopeParseResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

const UUIDISH = /^[0-9a-zA-Z_-]{8,64}$/;

/** Checks the shape of a raw message value. Never throws; the reason names the first bad field. */
export function parseEnvelope(raw: Buffer | string | null | undefined): EnvelopeParseResult {
  if (raw === null || raw === undefined) return { ok: false, reason: 'empty message value' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'value is not a JSON object' };
  }
  const e = value as Record<string, unknown>;
  if (e.specVersion !== 1) return { ok: false, reason: 'specVersion must be 1' };
  if (typeof e.eventId !== 'string' || !UUIDISH.test(e.eventId))
    return { ok: false, reason: 'eventId is missing or malformed' };
  for (const field of ['type', 'aggregateType', 'aggregateId', 'occurredAt'] as const) {
    if (typeof e[field] !== 'string' || (e[field] as string).length === 0) {
      return { ok: false, reason: `${field} must be a non-empty string` };
    }
  }
  if (!Number.isInteger(e.version) || (e.version as number) < 1)
    return { ok: false, reason: 'version must be an integer >= 1' };
  if (Number.isNaN(Date.parse(e.occurredAt as string))) return { ok: false, reason: 'occurredAt is not a date' };
  for (const field of ['correlationId', 'causationId'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string')
      return { ok: false, reason: `${field} must be a string` };
  }
  if (typeof e.payload !== 'object' || e.payload === null) return { ok: false, reason: 'payload must be an object' };
  return { ok: true, envelope: e as unknown as EventEnvelope };
}
