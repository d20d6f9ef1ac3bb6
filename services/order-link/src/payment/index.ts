export type * from './commands';
export { decide } from './decide';
export { paymentDecider } from './decider';
export { PaymentRejected, type PaymentRejectionCode } from './errors';
export type { PaymentEvent } from './events';
export { evolve, fold } from './evolve';
export {
  balanceView,
  completedBy,
  lifecycleEventsBy,
  resultDetails,
  type StoredCardRecord,
  storedCardBy,
  toPaymentCompleted,
} from './outcome';
export { type ForeignEvent, type Routed, routeForeignEvent } from './process-manager';
export * from './state';
export * from './transfer-code';
