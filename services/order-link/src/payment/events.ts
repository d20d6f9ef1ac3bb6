import type { PaymentEventPayloads } from '@ivr/contracts';

/** A Payment event as the decider produces and the event store records it (`data` = the contract payload). */
export type PaymentEvent = {
  [K in keyof PaymentEventPayloads]: { type: K; data: PaymentEventPayloads[K] };
}[keyof PaymentEventPayloads];
