export * from './circuit-breaker';
export * from './gateway';
export * from './outcome';
export { StripeConnector } from './stripe/connector';
export type { StripeHttpOptions } from './stripe/http';
export * from './tokenizer';
