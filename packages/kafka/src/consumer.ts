import { type BackoffPolicy, backoffDelayMs } from '@ivr/backoff';
import { type EventEnvelope, parseEnvelope, Topics } from '@ivr/contracts';
import { propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type EachMessagePayload, type Kafka, KafkaJSError, Partitioners } from 'kafkajs';
import { connectOrExplain, isUnknownTopic, UnknownTopicError } from './create-kafka';
import { deadLetterMessage } from './dead-letter';
import { decodeHeaders } from './headers';
import { type KafkaLogger, silentLogger } from './logger';
import { errorMessage } from './mask';
import { OffsetCommitter } from './offset-committer';
import { waitWithHeartbeat } from './wait-with-heartbeat';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on first delivery to the handler, then 2, 3, ... on retries. */
  attempt: number;
}

export type EventHandler = (envelope: EventEnvelope, ctx: MessageContext) => Promise<void>;

export interface RunConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: EventHandler;
  /** Where a new group starts: the oldest message (true) or only new ones (false, the default). */
  fromBeginning?: boolean;
  deadLetterTopic?: string;
  /** Handler attempts before a message is dead-lettered, the first included. Default 10. */
  maxAttempts?: number;
  /** Wait between handler attempts (@ivr/backoff, jittered). Default 200 ms doubling up to 10 s. */
  retryBackoff?: Partial<BackoffPolicy>;
  /** Partitions handled in parallel (order still holds per partition, so per key). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the broker waits for a silent member before giving its partitions to others. A member
   * that died (kill -9, node lost) holds its partitions, and every member's (re)join, that long.
   * Default 10 s (kafkajs: 30 s); heartbeats go every 3 s (a third of it), and during handler retries too.
   */
  sessionTimeoutMs?: number;
  /**
   * How often the offsets of finished messages are committed (one request for all partitions), and
   * so how much a crash can make the group see again. Also committed on stop(), when the group
   * rebalances, and at once for a partition's first finished message after joining. Default 1000 ms;
   * kafkajs would commit after every fetched batch.
   */
  commitIntervalMs?: number;
  logger?: KafkaLogger;
  /**
   * Called once when kafkajs gives up on the consumer (a crash it does not restart, e.g. a
   * non-retriable broker error): nothing is consumed any more, so the service should end rather
   * than stay up and ready but deaf (`ctx.fail`).
   */
  onFailed?: (reason: string) => void;
}

export interface RunningConsumer {
  /** Stops fetching, lets the message in hand finish (or abandons its retries, uncommitted), leaves the group. */
  stop(): Promise<void>;
}

/** Thrown out of eachMessage when stop() interrupts retries, so kafkajs neither commits nor logs it as a failure. */
class StopRequested extends KafkaJSError {
  constructor() {
    super('consumer is stopping; the message stays uncommitted and is redelivered later', { retriable: true });
  }
}

const tracer = trace.getTracer('@ivr/kafka');

/**
 * Consumes `topics` at least once: a message's offset is committed only after the handler
 * succeeded or the message went to the dead-letter topic, every `commitIntervalMs`, on stop() and
 * on a rebalance (not after each message: a crash redelivers what finished since the last commit).
 * Malformed envelopes go to the dead-letter topic at once; a failing handler is retried with
 * exponential backoff, then dead-lettered.
 * Values never reach the logs; errors are masked.
 */
export async function runConsumer(options: RunConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId, topics, handle } = options;
  const deadLetterTopic = options.deadLetterTopic ?? Topics.deadLetter;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryBackoff = { initialMs: 200, maxMs: 10_000, ...options.retryBackoff };
  const logger = options.logger ?? silentLogger;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('runConsumer: maxAttempts must be >= 1');
  if (topics.length === 0) throw new Error('runConsumer: no topics given');
  const commitIntervalMs = options.commitIntervalMs ?? 1000;
  if (!(commitIntervalMs > 0)) throw new Error('runConsumer: commitIntervalMs must be > 0');

  // A fetch long-poll holds stop() until it returns; 1 s instead of kafkajs's 5 s keeps shutdown quick.
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 1000,
    sessionTimeout,
    // The usual third of the session: a member learns of a rebalance within 3 s (its heartbeat's answer).
    heartbeatInterval: Math.min(3000, sessionTimeout / 3),
  });
  const deadLetters = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let signalStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (signalStop = resolve));
  let stopping = false;
  // Messages being handled now, so that stop() commits only after they finished.
  const inHand = new Set<Promise<void>>();
  const committer = new OffsetCommitter((offsets) => consumer.commitOffsets(offsets));
  const commit = (when: string) =>
    committer.flush().catch((err: unknown) => {
      // Kept for the next commit; until then a crash would only redeliver them.
      logger.warn({ groupId, when, error: errorMessage(err) }, 'offset commit failed; retried at the next one');
    });

  await assertDeadLetterTopicExists(kafka, deadLetterTopic, groupId);
  await connectOrExplain(kafka, deadLetters, `consumer ${groupId} (dead-letter producer)`);
  try {
    await connectOrExplain(kafka, consumer, `consumer ${groupId}`);
    await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
  } catch (err) {
    await Promise.allSettled([consumer.disconnect(), deadLetters.disconnect()]);
    throw isUnknownTopic(err) ? new UnknownTopicError(topics, `consumer ${groupId}`, err) : err;
  }

  // A rebalance may give a partition to another member, which starts from the committed offset.
  consumer.on(consumer.events.REBALANCING, () => void commit('rebalance'));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    committer.joined(payload.memberAssignment);
    void commit('group join');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    const error = errorMessage(payload.error);
    logger.error(
      { groupId, error, restart: payload.restart },
      payload.restart ? 'Kafka consumer crashed; kafkajs restarts it' : 'Kafka consumer crashed and stopped',
    );
    if (!payload.restart) clearInterval(timer); // nothing to commit with any more
    if (!payload.restart && !stopping) options.onFailed?.(`Kafka consumer ${groupId} stopped for good: ${error}`);
  });

  const sendToDeadLetter = async (payload: EachMessagePayload, reason: string, attempts: number, span: Span) => {
    const { topic, partition, message } = payload;
    const copy = deadLetterMessage({ topic, partition, message, groupId }, reason, attempts);
    await deadLetters.send({ topic: deadLetterTopic, acks: -1, messages: [copy] });
    span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    span.setAttribute('ivr.dead_lettered', true);
    logger.warn(
      { groupId, topic, partition, offset: message.offset, deadLetterTopic, reason, attempts },
      'message sent to the dead-letter topic',
    );
  };

  const processMessage = async (payload: EachMessagePayload, span: Span): Promise<void> => {
    const { topic, partition, message, heartbeat } = payload;
    const parsed = parseEnvelope(message.value);
    if (!parsed.ok) {
      await sendToDeadLetter(payload, `malformed envelope: ${parsed.reason}`, 0, span);
      return;
    }
    const { envelope } = parsed;
    span.setAttributes({ 'ivr.event.id': envelope.eventId, 'ivr.event.type': envelope.type });
    const where = { groupId, topic, partition, offset: message.offset, eventId: envelope.eventId, type: envelope.type };
    const base = {
      topic,
      partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.toString('utf8'),
      headers: decodeHeaders(message.headers),
    };
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (stopping) throw new StopRequested();
      try {
        await handle(envelope, { ...base, attempt });
        return;
      } catch (err) {
        lastError = errorMessage(err);
        logger.warn({ ...where, attempt, maxAttempts, error: lastError }, 'event handler failed');
      }
      if (attempt < maxAttempts) {
        const waited = await waitWithHeartbeat(backoffDelayMs(attempt, retryBackoff), heartbeat, stopped);
        if (!waited) throw new StopRequested();
      }
    }
    await sendToDeadLetter(payload, `handler failed after ${maxAttempts} attempts: ${lastError}`, maxAttempts, span);
  };

  const handleMessage = async (payload: EachMessagePayload): Promise<void> => {
    const { topic, partition, message } = payload;
    // Fetched before stop(): left for the next run, as stop() may have committed already.
    if (stopping) throw new StopRequested();
    // The span continues the producer's trace, whose context rides in the message headers.
    const parent = propagation.extract(ROOT_CONTEXT, decodeHeaders(message.headers));
    await tracer.startActiveSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': groupId,
        },
      },
      parent,
      async (span) => {
        try {
          await processMessage(payload, span);
        } catch (err) {
          if (!(err instanceof StopRequested)) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
            logger.error(
              { groupId, topic, partition, offset: message.offset, error: errorMessage(err) },
              'message left uncommitted; it will be redelivered',
            );
          }
          throw err;
        } finally {
          span.end();
        }
      },
    );
    if (committer.finished(topic, partition, message.offset)) await commit('first in partition');
  };

  const timer = setInterval(() => void commit('interval'), commitIntervalMs);
  timer.unref();
  try {
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      // Offsets are committed by `committer`, not by kafkajs after every batch.
      autoCommit: false,
      eachMessage: async (payload) => {
        const handling = handleMessage(payload);
        inHand.add(handling);
        try {
          await handling;
        } finally {
          inHand.delete(handling);
        }
      },
    });
  } catch (err) {
    clearInterval(timer);
    throw err;
  }

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      signalStop();
      clearInterval(timer);
      try {
        // Retries are cut short and nothing new starts; the messages in hand finish, then their offsets go.
        await Promise.allSettled([...inHand]);
        await commit('stop');
        await consumer.disconnect();
      } finally {
        await deadLetters.disconnect();
      }
    },
  };
}

/**
 * A missing dead-letter topic would only show when the first bad message arrives, and then the
 * consumer would be stuck on it; checking at start-up turns that into a clear error up front.
 */
async function assertDeadLetterTopicExists(kafka: Kafka, topic: string, groupId: string): Promise<void> {
  const admin = kafka.admin();
  await connectOrExplain(kafka, admin, `consumer ${groupId}`);
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
  } catch (err) {
    throw isUnknownTopic(err) ? new UnknownTopicError([topic], `consumer ${groupId} (dead-letter topic)`, err) : err;
  } finally {
    await admin.disconnect();
  }
}
