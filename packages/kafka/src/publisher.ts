import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { connectOrExplain, isUnknownTopic, UnknownTopicError } from './create-kafka';
import { buildHeaders, type OutgoingMessage, serializeEnvelope } from './headers';

/** What the outbox relay (and anything else that emits events) needs from Kafka. */
export interface EventPublisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}

const tracer = trace.getTracer('@ivr/kafka');

/**
 * Idempotent producer with acks from all in-sync replicas. One request in flight at a time, so a
 * retried batch can never overtake the next one: messages with the same key keep their order.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private state: 'new' | 'connected' | 'disconnected' = 'new';
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2 partitioning, so other clients agree on the partition of a key.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await connectOrExplain(this.kafka, this.producer, 'Kafka event publisher');
    this.state = 'connected';
  }

  /** Sends every message, grouped per topic in one request; resolves once all in-sync replicas have them. */
  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.state !== 'connected') {
      throw new Error(`KafkaEventPublisher.publish called while ${this.state}; call connect() first`);
    }
    if (messages.length === 0) return;
    const batches = startSends(groupByTopic(messages));
    const sending = (async () => {
      const spans = batches.map((batch) => batch.span);
      try {
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: batches.map(({ topic, messages }) => ({ topic, messages })),
        });
      } catch (err) {
        for (const span of spans)
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
        const topics = batches.map((b) => b.topic);
        throw isUnknownTopic(err) ? new UnknownTopicError(topics, 'KafkaEventPublisher.publish', err) : err;
      } finally {
        for (const span of spans) span.end();
      }
    })();
    this.inFlight.add(sending);
    try {
      await sending;
    } finally {
      this.inFlight.delete(sending);
    }
  }

  /** Lets sends in progress finish, then closes the connection. */
  async disconnect(): Promise<void> {
    if (this.state === 'disconnected') return;
    this.state = 'disconnected';
    await Promise.allSettled(this.inFlight);
    await this.producer.disconnect();
  }
}

/** Keeps the callers' order within each topic; topics appear in order of first mention. */
export function groupByTopic(messages: OutgoingMessage[]): { topic: string; messages: OutgoingMessage[] }[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    let list = byTopic.get(message.topic);
    if (!list) {
      list = [];
      byTopic.set(message.topic, list);
    }
    list.push(message);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}

/** The messages of one topic as kafkajs sends them, and the PRODUCER span that sends them. */
export interface TopicSend {
  topic: string;
  messages: Message[];
  span: Span;
}

/**
 * Starts one PRODUCER span per topic, named `send {topic}` as the messaging semantic conventions say,
 * and builds each message's headers inside it: a message's trace context is its topic's send span
 * unless it brought its own (the request that stored it in the outbox), which the span then links to.
 */
export function startSends(
  groups: { topic: string; messages: OutgoingMessage[] }[],
  parent: Context = context.active(),
): TopicSend[] {
  return groups.map(({ topic, messages }) => {
    const links = messages.flatMap((m) => {
      if (!m.headers?.traceparent) return [];
      const stored = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers));
      return stored ? [{ context: stored }] : [];
    });
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'send',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          ...(messages.length > 1 ? { 'messaging.batch.message_count': messages.length } : {}),
        },
        links,
      },
      parent,
    );
    const inSpan = trace.setSpan(parent, span);
    return {
      topic,
      span,
      messages: messages.map((m) => ({
        key: m.key,
        value: serializeEnvelope(m.envelope),
        headers: buildHeaders(m, inSpan),
      })),
    };
  });
}
