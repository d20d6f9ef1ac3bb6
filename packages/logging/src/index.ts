export { type CreateLoggerOptions, createLogger, type Logger, REDACT_PATHS, REDACTED } from './logger';
export { isLuhnValid, maskPans, PAN_MASK } from './pan-mask';
