import { oneOf } from './one-of';
import type { PspProvider } from './psp';

/**
 * What an order system may do to an approved payment afterwards (REST `/v1/payments/{id}/captures`,
 * `/voids`, `/refunds`; gRPC `PaymentService`; the console's payment screen). docs/decisions/0013-payment-lifecycle.md.
 */
export const PAYMENT_OPERATIONS = ['CAPTURE', 'VOID', 'REFUND'] as const;
export type PaymentOperation = (typeof PAYMENT_OPERATIONS)[number];
export const isPaymentOperation = oneOf(PAYMENT_OPERATIONS);

/** Which operation of which payment: what every operation event, on either topic, starts with. */
export interface OperationRef {
  paymentId: string;
  /** `cap_...`, `void_...` or `ref_...`, derived from the order system's Idempotency-Key. */
  operationId: string;
  operation: PaymentOperation;
}

/** An operation's money as asked: minor units (0 for VOID) in the payment's currency. */
export interface OperationAmount {
  amount: number;
  currency: string;
  /** CAPTURE: the last capture (the rest of the authorization is released). */
  final: boolean;
}

/** Where one operation stands: sent to the PSP and not settled yet, done, or refused / failed (nothing moved). */
export const OPERATION_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/**
 * Where an approved payment's money stands (REST `balance.state`): authorized and not captured, captured in
 * part with more to come (PSPs that capture in parts), captured, refunded in part or in full, or voided.
 */
export const BALANCE_STATES = [
  'AUTHORIZED',
  'PARTIALLY_CAPTURED',
  'CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'VOIDED',
] as const;
export type BalanceState = (typeof BALANCE_STATES)[number];

/**
 * What the PSP of a payment can do after the authorization, as the authorization service reports it with
 * the approval (each gateway's `capabilities` in @ivr/psp). Stripe: one capture of at most the authorized
 * amount (the rest is released); GMO-PG: one capture (a smaller one is ChangeTran then SALES); the PSP
 * simulator: captures in parts (Stripe's multicapture). Every PSP refunds in parts up to what was captured.
 */
export interface LifecycleCapabilities {
  /** The provider, to name it in refusals; empty when unknown (events from before the lifecycle). */
  provider: PspProvider | '';
  /** A capture of less than the authorized amount. */
  partialCapture: boolean;
  /** Several captures of one authorization (`final: false` on all but the last). */
  multipleCaptures: boolean;
  /** A refund of less than what is left, and several refunds. */
  partialRefund: boolean;
}

/** What an approval without capabilities (recorded before the lifecycle) is taken to allow: Stripe's ground. */
export const DEFAULT_LIFECYCLE_CAPABILITIES: LifecycleCapabilities = {
  provider: '',
  partialCapture: true,
  multipleCaptures: false,
  partialRefund: true,
};

/** One payment's money, in minor units of its currency. */
export interface Balance {
  authorized: number;
  captured: number;
  refunded: number;
  voided: boolean;
  /** A final capture was made: nothing more can be captured (the rest, if any, was released). */
  finalCaptured: boolean;
}

export const capturableOf = (b: Balance): number => (b.voided || b.finalCaptured ? 0 : b.authorized - b.captured);
export const refundableOf = (b: Balance): number => b.captured - b.refunded;

export function balanceStateOf(b: Balance): BalanceState {
  if (b.voided) return 'VOIDED';
  if (b.captured === 0) return 'AUTHORIZED';
  if (b.refunded > 0) return b.refunded >= b.captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  return b.finalCaptured ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
}

/** An operation as asked: `amount` absent means all that can be (captured or refunded). */
export interface OperationRequest {
  operation: PaymentOperation;
  amount?: number | undefined;
  /** CAPTURE: no more captures after this one (default true; false only where the PSP captures in parts). */
  final?: boolean | undefined;
}

/** An operation as it will be sent: the amount resolved and the capture's finality decided. */
export interface ResolvedOperation {
  operation: PaymentOperation;
  /** Minor units; 0 for VOID (the whole authorization is released). */
  amount: number;
  final: boolean;
}

/** Why an operation cannot be done: `field` names the request field at fault; `state` when none is. */
export interface OperationRefusal {
  kind: 'invalid_argument' | 'invalid_state';
  field?: 'amount' | 'final';
  message: string;
}

const pspName = (c: LifecycleCapabilities) => (c.provider ? `the PSP of this payment (${c.provider})` : 'this PSP');

/**
 * The rule of every money operation on an approved payment, decided once for both deciders (order-link's
 * Payment, before anything is sent; authorization's, before the PSP is called): capture at most what is
 * capturable, void only before any capture, refund at most what was captured and not refunded, and only
 * what the PSP can do. Answers the operation to send, or why not.
 */
export function resolveOperation(
  balance: Balance,
  capabilities: LifecycleCapabilities,
  request: OperationRequest,
): ResolvedOperation | OperationRefusal {
  const { amount } = request;
  if (amount !== undefined && (!Number.isSafeInteger(amount) || amount <= 0)) {
    return {
      kind: 'invalid_argument',
      field: 'amount',
      message: 'amount must be a whole number of minor units above 0',
    };
  }
  switch (request.operation) {
    case 'CAPTURE': {
      if (balance.voided) return { kind: 'invalid_state', message: 'the payment was voided: nothing can be captured' };
      if (balance.finalCaptured) {
        return {
          kind: 'invalid_state',
          message: `the payment was captured (${balance.captured}); nothing more can be captured`,
        };
      }
      const capturable = capturableOf(balance);
      const wanted = amount ?? capturable;
      if (wanted > capturable) {
        return {
          kind: 'invalid_argument',
          field: 'amount',
          message: `amount ${wanted} is more than the ${capturable} that can still be captured`,
        };
      }
      const final = request.final ?? true;
      if (!final && !capabilities.multipleCaptures) {
        return {
          kind: 'invalid_argument',
          field: 'final',
          message: `${pspName(capabilities)} captures once: final must be true (the rest of the authorization is released)`,
        };
      }
      if (!final && wanted === capturable) {
        return {
          kind: 'invalid_argument',
          field: 'final',
          message: 'a capture of all that is capturable is the final one: final must be true',
        };
      }
      if (wanted < balance.authorized - balance.captured && !capabilities.partialCapture) {
        return {
          kind: 'invalid_argument',
          field: 'amount',
          message: `${pspName(capabilities)} captures the whole authorization only: amount must be ${capturable}`,
        };
      }
      return { operation: 'CAPTURE', amount: wanted, final };
    }
    case 'VOID':
      if (amount !== undefined) {
        return {
          kind: 'invalid_argument',
          field: 'amount',
          message: 'a void releases the whole authorization: no amount',
        };
      }
      if (balance.voided) return { kind: 'invalid_state', message: 'the payment is voided already' };
      if (balance.captured > 0) {
        return {
          kind: 'invalid_state',
          message: `the payment was captured (${balance.captured}): it cannot be voided, refund it instead`,
        };
      }
      return { operation: 'VOID', amount: 0, final: true };
    case 'REFUND': {
      if (balance.captured === 0) {
        return {
          kind: 'invalid_state',
          message: balance.voided
            ? 'the payment was voided: nothing to refund'
            : 'nothing was captured: void it instead',
        };
      }
      const refundable = refundableOf(balance);
      if (refundable === 0) return { kind: 'invalid_state', message: 'the payment is refunded in full already' };
      const wanted = amount ?? refundable;
      if (wanted > refundable) {
        return {
          kind: 'invalid_argument',
          field: 'amount',
          message: `amount ${wanted} is more than the ${refundable} captured and not refunded`,
        };
      }
      if (wanted < refundable && !capabilities.partialRefund) {
        return {
          kind: 'invalid_argument',
          field: 'amount',
          message: `${pspName(capabilities)} refunds in full only: amount must be ${refundable}`,
        };
      }
      return { operation: 'REFUND', amount: wanted, final: true };
    }
  }
}

export const isRefusal = (r: ResolvedOperation | OperationRefusal): r is OperationRefusal => 'kind' in r;
