import { ok, type SimulatorContext, type StripeHandler } from '../context';
import { MAX_AMOUNT, SUPPORTED_CURRENCIES } from '../currencies';
import { newId, nowSeconds } from '../ids';
import type { FormParams } from '../params';
import type { StoredPaymentIntent } from '../store';
import { invalidRequest, noSuch, SimulatorError, unexpectedState } from '../stripe-errors';
import { declineFor } from './decline';
import { findPaymentMethod, paymentMethodJson } from './payment-methods';

const CREATE_PARAMS = [
  'amount',
  'currency',
  'payment_method',
  'confirm',
  'capture_method',
  'confirmation_method',
  'customer',
  'description',
  'metadata',
  'off_session',
  'payment_method_options',
  'payment_method_types',
  'receipt_email',
  'setup_future_usage',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'expand',
];

/** POST /v1/payment_intents: creates, and with confirm=true charges (or authorizes) at once. */
export const createPaymentIntent: StripeHandler = (ctx, { params, idempotencyKey }) => {
  params.allowOnly(CREATE_PARAMS);
  const amount = params.requiredInteger('amount');
  if (amount < 1) throw invalidRequest('This value must be greater than or equal to 1.', 'amount');
  if (amount > MAX_AMOUNT) throw invalidRequest('Amount must be no more than 99,999,999', 'amount', 'amount_too_large');
  const currency = params.requiredString('currency').toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, 'currency');
  const paymentMethod = params.string('payment_method') ?? null;
  if (paymentMethod !== null) findPaymentMethod(ctx, paymentMethod, 'payment_method');
  const customer = params.string('customer') ?? null;
  if (customer !== null && !ctx.store.customers.has(customer)) throw noSuch('customer', customer, 'customer');
  const pi: StoredPaymentIntent = {
    id: newId('pi'),
    created: nowSeconds(),
    amount,
    amountCapturable: 0,
    amountReceived: 0,
    currency,
    captureMethod:
      params.oneOf('capture_method', ['automatic', 'automatic_async', 'manual']) === 'manual' ? 'manual' : 'automatic',
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    paymentMethod,
    customer,
    description: params.string('description') ?? null,
    metadata: params.metadata(),
    moto: params.boolean('payment_method_options[card][moto]') ?? false,
    offSession: params.boolean('off_session') ?? false,
    latestCharge: null,
    authorizationCode: '',
    lastPaymentError: null,
    canceledAt: null,
    cancellationReason: null,
    idempotencyKey,
    amountRefunded: 0,
    multicapture: params.string('payment_method_options[card][request_multicapture]') === 'if_available',
  };
  ctx.store.paymentIntents.set(pi.id, pi);
  if (params.boolean('confirm')) confirm(ctx, pi, idempotencyKey, expandsCharge(params));
  return ok(paymentIntentJson(pi, expandsCharge(params)));
};

/** POST /v1/payment_intents/:id/confirm */
export const confirmPaymentIntent: StripeHandler = (ctx, { params, pathParams, idempotencyKey }) => {
  params.allowOnly(['payment_method', 'payment_method_options', 'off_session', 'expand']);
  const pi = findPaymentIntent(ctx, pathParams.id ?? '');
  if (pi.status !== 'requires_confirmation' && pi.status !== 'requires_payment_method') {
    throw unexpectedState('payment_intent', pi.id, pi.status, 'confirmed');
  }
  const paymentMethod = params.string('payment_method');
  if (paymentMethod !== undefined) {
    findPaymentMethod(ctx, paymentMethod, 'payment_method');
    pi.paymentMethod = paymentMethod;
  }
  const moto = params.boolean('payment_method_options[card][moto]');
  if (moto !== undefined) pi.moto = moto;
  confirm(ctx, pi, idempotencyKey, expandsCharge(params));
  return ok(paymentIntentJson(pi, expandsCharge(params)));
};

/**
 * POST /v1/payment_intents/:id/capture: takes (part of) an authorized amount; never a new charge. Without
 * multicapture (or with `final_capture` true, the default) the rest is released; with it and
 * `final_capture=false` the rest stays capturable for later captures (Stripe's multicapture).
 */
export const capturePaymentIntent: StripeHandler = (ctx, { params, pathParams }) => {
  params.allowOnly([
    'amount_to_capture',
    'final_capture',
    'metadata',
    'statement_descriptor',
    'statement_descriptor_suffix',
    'expand',
  ]);
  const pi = findPaymentIntent(ctx, pathParams.id ?? '');
  if (pi.status !== 'requires_capture') throw unexpectedState('payment_intent', pi.id, pi.status, 'captured');
  const amount = params.integer('amount_to_capture') ?? pi.amountCapturable;
  if (amount < 1 || amount > pi.amountCapturable) {
    throw invalidRequest('The amount to capture must be between 1 and the amount capturable.', 'amount_to_capture');
  }
  const final = params.boolean('final_capture') ?? true;
  if (!final && !pi.multicapture) {
    throw invalidRequest(
      'final_capture=false needs multicapture (payment_method_options[card][request_multicapture]).',
      'final_capture',
    );
  }
  Object.assign(pi.metadata, params.metadata());
  pi.amountReceived += amount;
  pi.amountCapturable = final ? 0 : pi.amountCapturable - amount;
  if (pi.amountCapturable === 0) pi.status = 'succeeded';
  return ok(paymentIntentJson(pi, expandsCharge(params)));
};

/** POST /v1/payment_intents/:id/cancel: releases an authorization (a void). */
export const cancelPaymentIntent: StripeHandler = (ctx, { params, pathParams }) => {
  params.allowOnly(['cancellation_reason', 'expand']);
  const pi = findPaymentIntent(ctx, pathParams.id ?? '');
  if (pi.status === 'succeeded' || pi.status === 'canceled') {
    throw unexpectedState('payment_intent', pi.id, pi.status, 'canceled');
  }
  pi.cancellationReason =
    params.oneOf('cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']) ?? null;
  pi.status = 'canceled';
  pi.amountCapturable = 0;
  pi.canceledAt = nowSeconds();
  return ok(paymentIntentJson(pi, expandsCharge(params)));
};

export const retrievePaymentIntent: StripeHandler = (ctx, { pathParams, query }) => {
  const expand = query.expand;
  const wanted = Array.isArray(expand) ? expand.includes('latest_charge') : expand === 'latest_charge';
  return ok(paymentIntentJson(findPaymentIntent(ctx, pathParams.id ?? ''), wanted));
};

/** `expand[]=latest_charge` answers the charge object (with its authorization code) instead of its id. */
function expandsCharge(params: FormParams): boolean {
  return params.list('expand').includes('latest_charge');
}

function findPaymentIntent(ctx: SimulatorContext, id: string): StoredPaymentIntent {
  const pi = ctx.store.paymentIntents.get(id);
  if (!pi) throw noSuch('payment_intent', id, 'intent');
  return pi;
}

/** The moment money moves: approve (and count a charge) or decline by the test card's outcome. */
function confirm(
  ctx: SimulatorContext,
  pi: StoredPaymentIntent,
  idempotencyKey: string | null,
  expandCharge: boolean,
): void {
  if (!pi.paymentMethod) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method.",
      'payment_method',
      'payment_intent_unexpected_state',
    );
  }
  const pm = findPaymentMethod(ctx, pi.paymentMethod, 'payment_method');
  if (pm.customer !== null && pm.customer !== pi.customer) {
    throw invalidRequest(
      `The provided PaymentMethod belongs to a Customer; pass that customer (${pm.customer}) with it.`,
      'payment_method',
    );
  }
  if (pm.customer === null && pm.usedWithoutCustomer) {
    throw invalidRequest(
      'This PaymentMethod was previously used without being attached to a Customer or was detached from a ' +
        'Customer, and may not be used again.',
      'payment_method',
    );
  }
  pi.latestCharge = newId('ch');
  if (pm.outcome !== 'approve') {
    const decline = declineFor(pm.outcome);
    pi.status = 'requires_payment_method';
    pi.lastPaymentError = decline;
    throw new SimulatorError(402, {
      ...decline,
      charge: pi.latestCharge,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      payment_intent: paymentIntentJson(pi, expandCharge),
      payment_method: paymentMethodJson(pm),
    });
  }
  pi.lastPaymentError = null;
  pi.authorizationCode = String(100000 + Math.floor(Math.random() * 900000));
  pi.idempotencyKey = idempotencyKey;
  if (pm.customer === null) pm.usedWithoutCustomer = true;
  if (pi.captureMethod === 'manual') {
    pi.status = 'requires_capture';
    pi.amountCapturable = pi.amount;
  } else {
    pi.status = 'succeeded';
    pi.amountReceived = pi.amount;
  }
  ctx.store.charges.push({
    paymentIntent: pi.id,
    idempotencyKey,
    paymentId: pi.metadata.payment_id ?? null,
    amount: pi.amount,
    currency: pi.currency,
    moto: pi.moto,
  });
}

export function paymentIntentJson(pi: StoredPaymentIntent, expandCharge = false) {
  return {
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_capturable: pi.amountCapturable,
    amount_received: pi.amountReceived,
    canceled_at: pi.canceledAt,
    cancellation_reason: pi.cancellationReason,
    capture_method: pi.captureMethod,
    client_secret: `${pi.id}_secret_simulated`,
    confirmation_method: 'automatic',
    created: pi.created,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    last_payment_error: pi.lastPaymentError,
    latest_charge: expandCharge && pi.latestCharge ? chargeJson(pi) : pi.latestCharge,
    livemode: false,
    metadata: pi.metadata,
    next_action: null,
    payment_method: pi.paymentMethod,
    payment_method_options: {
      card: {
        capture_method: null,
        installments: null,
        mandate_options: null,
        network: null,
        request_three_d_secure: 'automatic',
      },
    },
    payment_method_types: ['card'],
    setup_future_usage: null,
    status: pi.status,
  };
}

function chargeJson(pi: StoredPaymentIntent) {
  const failed = pi.lastPaymentError !== null;
  return {
    id: pi.latestCharge,
    object: 'charge',
    amount: pi.amount,
    amount_captured: pi.amountReceived,
    amount_refunded: pi.amountRefunded,
    refunded: pi.amountReceived > 0 && pi.amountRefunded === pi.amountReceived,
    authorization_code: failed ? null : pi.authorizationCode,
    captured: pi.amountReceived > 0,
    currency: pi.currency,
    failure_code: pi.lastPaymentError?.code ?? null,
    failure_message: pi.lastPaymentError?.message ?? null,
    livemode: false,
    outcome: {
      network_status: failed ? 'declined_by_network' : 'approved_by_network',
      type: failed ? 'issuer_declined' : 'authorized',
    },
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pi.paymentMethod,
    status: failed ? 'failed' : 'succeeded',
  };
}
