import './kafkajs-patch';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { type KafkaLogger, kafkajsLogCreator, silentLogger } from './logger';

export interface CreateKafkaOptions {
  /** host:port list, e.g. from KAFKA_BROKERS split on commas. */
  brokers: string[];
  clientId: string;
  logger?: KafkaLogger;
  /**
   * How long connecting keeps trying. The defaults ride out a broker that is still starting
   * (about 45 s in all with the defaults); tests that want a fast failure lower them.
   */
  retry?: { retries?: number; initialRetryTimeMs?: number; maxRetryTimeMs?: number };
  connectionTimeoutMs?: number;
  /** SASL authentication (Strimzi's SCRAM-SHA-512 listener in Kubernetes); none when unset. */
  sasl?: KafkaSasl;
  /** TLS to the brokers, trusting these CA certificates (PEM); plaintext when unset. */
  ssl?: { ca: string[] };
}

/** Username/password SASL: PLAIN or SCRAM (kafkajs' own union, so a mechanism and its fields match). */
export type KafkaSasl = Extract<SASLOptions, { username: string }>;

/** Thrown when Kafka cannot be reached; the message names the brokers so the operator knows what to check. */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
  constructor(
    readonly brokers: readonly string[],
    what: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${what} could not connect to Kafka at ${brokers.join(',')}: ${reason}. ` +
        'Is the broker running (make up-infra) and is KAFKA_BROKERS right?',
      { cause },
    );
  }
}

/** Thrown when a topic is not on the broker. Topics are never auto-created, so this is a deployment mistake. */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(
    readonly topics: readonly string[],
    what: string,
    cause: unknown,
  ) {
    super(
      `${what}: topic(s) ${topics.join(', ')} not found on the broker. Topics are never auto-created: ` +
        'declare them in @ivr/contracts topicSpecs and run make up-infra (scripts/create-topics.ts).',
      { cause },
    );
  }
}

/** True when kafkajs failed because a topic does not exist, directly or after its retries. */
export function isUnknownTopic(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  }
  return false;
}

// The brokers each Kafka instance was made with, for error messages (kafkajs does not expose them).
const brokersByKafka = new WeakMap<Kafka, string[]>();

export function createKafka(options: CreateKafkaOptions): Kafka {
  const brokers = options.brokers.map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('createKafka: no Kafka brokers given (set KAFKA_BROKERS)');
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    retry: {
      retries: options.retry?.retries ?? 8,
      initialRetryTime: options.retry?.initialRetryTimeMs ?? 300,
      maxRetryTime: options.retry?.maxRetryTimeMs ?? 10_000,
    },
    // The level is filtered again by the service logger; DEBUG from kafkajs is protocol noise.
    logLevel: logLevel.INFO,
    logCreator: kafkajsLogCreator(options.logger ?? silentLogger),
    ...(options.ssl ? { ssl: { ca: options.ssl.ca } } : {}),
    ...(options.sasl ? { sasl: options.sasl } : {}),
  });
  brokersByKafka.set(kafka, brokers);
  return kafka;
}

/** Connects a kafkajs producer, consumer or admin, turning a failure into a KafkaUnavailableError. */
export async function connectOrExplain(
  kafka: Kafka,
  client: { connect(): Promise<void> },
  what: string,
): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw new KafkaUnavailableError(brokersByKafka.get(kafka) ?? ['(brokers unknown)'], what, err);
  }
}

/** Splits the KAFKA_BROKERS form ("h1:9092,h2:9092") into a list. */
export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}
