export { censor, isSecretKey, REDACTED } from './censor';
export { KEY_MASK, maskSdesKeys } from './key-mask';
export { type CreateLoggerOptions, createLogger, type Logger } from './logger';
export { maskPans, PAN_MASK } from './pan-mask';
export { Redacted } from './redacted';
