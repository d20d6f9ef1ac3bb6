import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
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
    const topics = new Set(messages.map((m) => m.topic));
    const sending = tracer.startActiveSpan(
      'publish',
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.batch.message_count': messages.length,
          'messaging.destination.name': [...topics].join(','),
        },
      },
      async (span) => {
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
          throw isUnknownTopic(err) ? new UnknownTopicError([...topics], 'KafkaEventPublisher.publish', err) : err;
        } finally {
          span.end();
        }
      },
    );
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
export function groupByTopic(messages: OutgoingMessage[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const message of messages) {
    let list = byTopic.get(message.topic);
    if (!list) {
      list = [];
      byTopic.set(message.topic, list);
    }
    // Headers are built inside the publish span, so the consumer's span hangs under it.
    list.push({ key: message.key, value: serializeEnvelope(message.envelope), headers: buildHeaders(message) });
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}
