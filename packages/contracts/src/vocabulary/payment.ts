import { oneOf } from './one-of';

/** What a payment does at the gateway (gRPC: `ivr.common.v1.PaymentMode`). */
export const PAYMENT_MODES = ['AUTHORIZE', 'CAPTURE', 'REGISTER_CARD'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];
export const isPaymentMode = oneOf(PAYMENT_MODES);

/**
 * How the operator takes part in a payment's call (REST `callMode`, gRPC `ivr.orderlink.v1.CallMode`).
 * `IVR_ONLY`: the operator transfers the caller to the IVR and gets the caller back by transfer at the end.
 * `AGENT_ASSISTED`: the operator stays on the line; the IVR calls the operator and the card vault bridges
 * the two legs, masking the keypad tones toward the operator while a card field is keyed.
 */
export const CALL_MODES = ['IVR_ONLY', 'AGENT_ASSISTED'] as const;
export type CallMode = (typeof CALL_MODES)[number];
export const isCallMode = oneOf(CALL_MODES);

/**
 * How a payment ended: its terminal statuses, and the `outcome` of the public PaymentCompleted event.
 * A payment in one of these never changes again.
 */
export const PAYMENT_OUTCOMES = ['APPROVED', 'DECLINED', 'FAILED', 'CANCELLED', 'EXPIRED', 'ABANDONED'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];
export const isPaymentOutcome = oneOf(PAYMENT_OUTCOMES);

/**
 * A payment's status (order-link's Payment aggregate; REST `status`, gRPC `ivr.orderlink.v1.PaymentStatus`),
 * in the order a payment goes through them: requested, transferred to the IVR, card captured, then an outcome.
 */
export const PAYMENT_STATUSES = ['REQUESTED', 'IN_IVR', 'CARD_CAPTURED', ...PAYMENT_OUTCOMES] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const isPaymentStatus = oneOf(PAYMENT_STATUSES);
