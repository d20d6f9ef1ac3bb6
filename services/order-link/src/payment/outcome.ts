import {
  balanceStateOf,
  capturableOf,
  DEFAULT_PSP_ACCOUNT_ID,
  lifecycleTypeOf,
  PAYMENT_COMPLETED_TYPE,
  type PaymentCompletedPayload,
  PaymentEventTypes,
  type PaymentLifecyclePayload,
  type PaymentLifecycleType,
  type PaymentResultDetails,
  refundableOf,
} from '@ivr/contracts';
import type { PaymentEvent } from './events';
import { isTerminal, operationOf, type Payment, type PaymentOutcomeDetails, type PaymentState } from './state';

export { PAYMENT_COMPLETED_TYPE };

/** An outcome's details as the public event and the REST API show them: the fields it has, `captured` when APPROVED. */
export function resultDetails(r: PaymentOutcomeDetails): PaymentResultDetails {
  return {
    ...(r.authorizationCode ? { authorizationCode: r.authorizationCode } : {}),
    ...(r.pspReference ? { pspReference: r.pspReference } : {}),
    ...(r.captured !== undefined && r.outcome === 'APPROVED' ? { captured: r.captured } : {}),
    ...(r.storedCardReference ? { storedCardReference: r.storedCardReference } : {}),
    ...(r.customerReference ? { customerReference: r.customerReference } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.pspCode ? { pspCode: r.pspCode } : {}),
    ...(r.pspDeclineCode ? { pspDeclineCode: r.pspDeclineCode } : {}),
  };
}

/** The public payment-completed payload for a payment in a terminal state; null while it is open. */
export function toPaymentCompleted(p: Payment): PaymentCompletedPayload | null {
  const r = p.result;
  if (!r) return null;
  const q = p.request;
  return {
    paymentId: q.paymentId,
    orderId: q.orderId,
    orderSystem: q.orderSystem,
    pspAccountId: q.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
    outcome: r.outcome,
    mode: q.mode,
    language: q.language,
    amount: q.amount,
    currency: q.currency,
    ...resultDetails(r),
    ...(p.card
      ? {
          card: {
            brand: p.card.brand,
            bin6: p.card.bin6,
            last4: p.card.last4,
            expiryMonth: p.card.expiryMonth,
            expiryYear: p.card.expiryYear,
          },
        }
      : {}),
    ...(q.storedCard
      ? {
          storedCard: {
            storedCardReference: q.storedCard.storedCardReference,
            registrationPaymentId: q.storedCard.registrationPaymentId,
          },
        }
      : {}),
    metadata: q.metadata,
    requestedAt: q.requestedAt,
    completedAt: r.completedAt,
  };
}

/**
 * The public PaymentCompleted that a change of a payment from `before` to `after` publishes: the
 * change that takes it from open to a terminal state, once per payment (a terminal payment takes no
 * other outcome). null for every other change.
 */
export function completedBy(before: PaymentState, after: PaymentState): PaymentCompletedPayload | null {
  if (!before || !after || isTerminal(before.status) || !isTerminal(after.status)) return null;
  return toPaymentCompleted(after);
}

/** A card a REGISTER_CARD payment stored at the PSP: what a later merchant-initiated charge names. */
export interface StoredCardRecord {
  orderSystem: string;
  storedCardReference: string;
  registrationPaymentId: string;
  customerReference: string;
  registeredAt: string;
}

/**
 * The card a change of a payment from `before` to `after` stored: the registration's approval, once.
 * null for every other change.
 */
export function storedCardBy(before: PaymentState, after: PaymentState): StoredCardRecord | null {
  if (!after || before?.status === 'APPROVED' || after.status !== 'APPROVED') return null;
  if (after.request.mode !== 'REGISTER_CARD' || !after.result?.storedCardReference) return null;
  return {
    orderSystem: after.request.orderSystem,
    storedCardReference: after.result.storedCardReference,
    registrationPaymentId: after.request.paymentId,
    customerReference: after.result.customerReference ?? '',
    registeredAt: after.result.completedAt,
  };
}

/** The payment's money for the public contract (REST `balance`, the lifecycle events). */
export function balanceView(p: Payment): PaymentLifecyclePayload['balance'] | null {
  const b = p.lifecycle?.balance;
  if (!b) return null;
  return {
    state: balanceStateOf(b),
    authorized: b.authorized,
    captured: b.captured,
    refunded: b.refunded,
    capturable: capturableOf(b),
    refundable: refundableOf(b),
  };
}

/**
 * The public lifecycle events a change publishes on `ivr.payment-lifecycle.v1`: one per operation it
 * settled (succeeded or failed), with the payment's money after it. Nothing for any other change.
 */
export function lifecycleEventsBy(
  after: PaymentState,
  events: readonly PaymentEvent[],
): { type: PaymentLifecycleType; payload: PaymentLifecyclePayload }[] {
  if (!after) return [];
  const balance = balanceView(after);
  if (!balance) return [];
  const published: { type: PaymentLifecycleType; payload: PaymentLifecyclePayload }[] = [];
  for (const e of events) {
    if (e.type !== PaymentEventTypes.operationSucceeded && e.type !== PaymentEventTypes.operationFailed) continue;
    const op = operationOf(after, e.data.operationId);
    if (!op || op.status === 'PENDING') continue;
    const q = after.request;
    published.push({
      type: lifecycleTypeOf(op.operation, op.status),
      payload: {
        paymentId: q.paymentId,
        orderId: q.orderId,
        orderSystem: q.orderSystem,
        mode: q.mode,
        currency: q.currency,
        ...(after.result?.pspReference ? { pspReference: after.result.pspReference } : {}),
        operation: {
          operationId: op.operationId,
          operation: op.operation,
          status: op.status,
          amount: op.amount,
          final: op.final,
          ...(op.failure ? { failureReason: op.failure.reason, failureMessage: op.failure.message } : {}),
          ...(op.refundReference ? { refundReference: op.refundReference } : {}),
          requestedAt: op.requestedAt,
          completedAt: op.completedAt ?? e.data.at,
        },
        balance,
        metadata: q.metadata,
      },
    });
  }
  return published;
}
