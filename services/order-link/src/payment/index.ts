export type * from './commands';
export { decide } from './decide';
export { PaymentRejected, type PaymentRejectionCode } from './errors';
export { evolve, fold } from './evolve';
export { toPaymentCompleted } from './outcome';
export { type ForeignEvent, type Routed, routeForeignEvent } from './process-manager';
export * from './state';
export * from './transfer-code';
