export { censor, isSecretKey, REDACTED } from './censor';
export { type CreateLoggerOptions, createLogger, type Logger } from './logger';
export { maskPans, PAN_MASK } from './pan-mask';
export { Redacted } from './redacted';
