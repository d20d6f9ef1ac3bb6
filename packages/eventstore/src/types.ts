/** The version a writer expects a stream to be at: a number (0 = empty), no stream yet, or any. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** A domain event as deciders produce it: a discriminated union member `{ type, data }`. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** W3C trace context of the writer, carried to Kafka headers by the outbox. */
  traceparent?: string;
  tracestate?: string;
  /** Who caused the event (API key id, operator id, service): the audit trail. */
  actor?: string;
}

export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  globalPosition: number;
  streamId: string;
  streamType: string;
  version: number;
  eventId: string;
  type: E['type'];
  data: E['data'];
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendOptions {
  /** Aggregate type, e.g. `Payment`; goes into the envelope. */
  streamType: string;
  /** Publish the events through the transactional outbox to this topic (key = stream id unless given). */
  outbox?: { topic: string; key?: string };
  metadata?: EventMetadata;
  /** Event ids, when the caller needs them fixed (deterministic tests, idempotent retries). */
  eventIds?: string[];
}

export interface AppendResult {
  /** Version of the stream after the append. */
  version: number;
  events: RecordedEvent[];
}
