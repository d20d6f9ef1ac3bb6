import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { censor } from './censor';
import { maskSdesKeys } from './key-mask';
import { maskPans } from './pan-mask';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  service: string;
  /** Defaults to LOG_LEVEL, then 'info'. */
  level?: Level | 'silent';
  /** Where JSON lines go; stdout when omitted. */
  destination?: DestinationStream;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function levelFromEnv(): Level | 'silent' {
  const fromEnv = process.env.LOG_LEVEL?.toLowerCase();
  return fromEnv && LEVELS.includes(fromEnv) ? (fromEnv as Level | 'silent') : 'info';
}

/**
 * A pino logger writing one JSON object per line with `service`, `trace_id` and `span_id` of the active
 * span. Card and secret keys are censored at any depth, and every serialized line passes through maskPans
 * and maskSdesKeys.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? levelFromEnv(),
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (record) => censor(record),
    },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    hooks: { streamWrite: (line) => maskSdesKeys(maskPans(line)) },
  };
  const logger = options.destination ? pino(config, options.destination) : pino(config);
  // pino gives children no bindings formatter, so censor child bindings here; a child's own children
  // inherit this method through the prototype chain.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, censor(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
