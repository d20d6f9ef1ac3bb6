import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { maskPans } from './pan-mask';

export type { Logger } from 'pino';

const CARD_KEYS = ['pan', 'cvv', 'cvc', 'cvv2', 'cardNumber', 'card_number', 'securityCode', 'security_code'];
const SECRET_KEYS = ['password', 'authorization', 'cookie', 'set-cookie'];

/** Redaction paths for card and secret keys at the top level and up to two objects deep. */
export const REDACT_PATHS: string[] = [
  ...[...CARD_KEYS, ...SECRET_KEYS].flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]),
  'card.number',
  '*.card.number',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
];

export const REDACTED = '[REDACTED]';

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
 * span. Card and secret keys are censored by path, and every serialized line passes through maskPans.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level ?? levelFromEnv(),
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    hooks: { streamWrite: maskPans },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
