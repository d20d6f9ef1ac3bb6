import { logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';

/**
 * The part of a pino logger this package uses. Any pino logger fits; @ivr/logging's does too, so
 * services pass theirs and kafkajs's own log lines come out in the service's JSON format.
 */
export interface KafkaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => {};
export const silentLogger: KafkaLogger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * kafkajs warns on every idempotent producer whose send retries are finite. They are finite on
 * purpose: a publish must fail (and the outbox relay retry it) rather than hang while Kafka is down,
 * and a duplicate this may cause is absorbed by idempotent consumers. So this is not an operator warning.
 */
const FINITE_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** Routes kafkajs's log entries to a KafkaLogger, keeping kafkajs's extra fields as structured data. */
export function kafkajsLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      // timestamp and logger are kafkajs's own; the service logger adds its own time and name.
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
      const obj = { component: 'kafkajs', namespace, ...fields };
      switch (level === KafkaLogLevel.WARN && message === FINITE_RETRIES_WARNING ? KafkaLogLevel.DEBUG : level) {
        case KafkaLogLevel.ERROR:
          logger.error(obj, message);
          break;
        case KafkaLogLevel.WARN:
          logger.warn(obj, message);
          break;
        case KafkaLogLevel.INFO:
          logger.info(obj, message);
          break;
        default:
          logger.debug(obj, message);
      }
    };
}
