import { ok, type StripeHandler } from '../context';
import { newId, nowSeconds } from '../ids';
import type { StoredRefund } from '../store';
import { invalidRequest, noSuch, SimulatorError } from '../stripe-errors';

/**
 * POST /v1/refunds (payment_intent, amount): gives back part or all of what a succeeded intent captured,
 * several times up to it (Stripe's rules; `charge_already_refunded` once nothing is left). A repeated
 * Idempotency-Key is answered with the first refund by the endpoint wrapper, as every POST is.
 */
export const createRefund: StripeHandler = (ctx, { params, idempotencyKey }) => {
  params.allowOnly(['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
  const id = params.requiredString('payment_intent');
  const pi = ctx.store.paymentIntents.get(id);
  if (!pi) throw noSuch('payment_intent', id, 'payment_intent');
  // A multicapture intent refunds what it captured while it still holds the rest.
  if (pi.status !== 'succeeded' && !(pi.status === 'requires_capture' && pi.amountReceived > 0)) {
    throw invalidRequest(
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'payment_intent',
      'charge_not_refundable',
    );
  }
  const left = pi.amountReceived - pi.amountRefunded;
  if (left <= 0) {
    throw new SimulatorError(400, {
      type: 'invalid_request_error',
      code: 'charge_already_refunded',
      message: `Charge ${pi.latestCharge} has already been refunded.`,
    });
  }
  const amount = params.integer('amount') ?? left;
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', 'amount');
  if (amount > left) {
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
      'amount',
      'amount_too_large',
    );
  }
  pi.amountRefunded += amount;
  const refund: StoredRefund = {
    id: newId('re'),
    created: nowSeconds(),
    paymentIntent: pi.id,
    paymentId: pi.metadata.payment_id ?? null,
    amount,
    currency: pi.currency,
    reason: params.oneOf('reason', ['duplicate', 'fraudulent', 'requested_by_customer']) ?? null,
    metadata: params.metadata(),
    idempotencyKey,
  };
  ctx.store.refunds.push(refund);
  return ok({
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    charge: pi.latestCharge,
    created: refund.created,
    currency: refund.currency,
    metadata: refund.metadata,
    payment_intent: pi.id,
    reason: refund.reason,
    status: 'succeeded',
  });
};

/**
 * GET /v1/refunds?payment_intent=pi_...&limit=100: the refunds of an intent, newest first (Stripe's list;
 * the product looks a refund up by its metadata's idempotency key once the key itself has expired).
 */
export const listRefunds: StripeHandler = (ctx, { query }) => {
  const intent = typeof query.payment_intent === 'string' ? query.payment_intent : undefined;
  const limit = Number(typeof query.limit === 'string' ? query.limit : '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidRequest('limit must be from 1 to 100', 'limit');
  const matches = ctx.store.refunds
    .filter((r) => intent === undefined || r.paymentIntent === intent)
    .sort((a, b) => b.created - a.created);
  return ok({
    object: 'list',
    data: matches.slice(0, limit).map((r) => ({
      id: r.id,
      object: 'refund',
      amount: r.amount,
      created: r.created,
      currency: r.currency,
      metadata: r.metadata,
      payment_intent: r.paymentIntent,
      reason: r.reason,
      status: 'succeeded',
    })),
    has_more: matches.length > limit,
    url: '/v1/refunds',
  });
};
