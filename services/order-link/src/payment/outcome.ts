import { DEFAULT_PSP_ACCOUNT_ID, PAYMENT_COMPLETED_TYPE, type PaymentCompletedPayload } from '@ivr/contracts';
import { isTerminal, type Payment, type PaymentState } from './state';

export { PAYMENT_COMPLETED_TYPE };

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
    ...(r.authorizationCode ? { authorizationCode: r.authorizationCode } : {}),
    ...(r.pspReference ? { pspReference: r.pspReference } : {}),
    ...(r.captured !== undefined && r.outcome === 'APPROVED' ? { captured: r.captured } : {}),
    ...(r.storedCardReference ? { storedCardReference: r.storedCardReference } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.pspCode ? { pspCode: r.pspCode } : {}),
    ...(r.pspDeclineCode ? { pspDeclineCode: r.pspDeclineCode } : {}),
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
