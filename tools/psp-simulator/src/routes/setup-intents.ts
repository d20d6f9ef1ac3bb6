import { ok, type SimulatorContext, type StripeHandler } from '../context';
import { newId, nowSeconds } from '../ids';
import type { StoredSetupIntent } from '../store';
import { noSuch, SimulatorError } from '../stripe-errors';
import { findCustomer } from './customers';
import { declineFor } from './decline';
import { findPaymentMethod, paymentMethodJson } from './payment-methods';

/**
 * POST /v1/setup_intents: stores a card for later charges without charging it. With confirm=true the
 * card is checked (declining test cards decline here too) and attached to the customer.
 */
export const createSetupIntent: StripeHandler = (ctx, { params }) => {
  params.allowOnly([
    'confirm',
    'customer',
    'description',
    'metadata',
    'payment_method',
    'payment_method_options',
    'payment_method_types',
    'usage',
    'expand',
  ]);
  const customer = params.string('customer') ?? null;
  if (customer !== null) findCustomer(ctx, customer, 'customer');
  const paymentMethod = params.string('payment_method') ?? null;
  if (paymentMethod !== null) findPaymentMethod(ctx, paymentMethod, 'payment_method');
  const si: StoredSetupIntent = {
    id: newId('seti'),
    created: nowSeconds(),
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    paymentMethod,
    customer,
    usage: params.oneOf('usage', ['off_session', 'on_session']) ?? 'off_session',
    moto: params.boolean('payment_method_options[card][moto]') ?? false,
    metadata: params.metadata(),
    lastSetupError: null,
  };
  ctx.store.setupIntents.set(si.id, si);
  if (params.boolean('confirm')) confirmSetup(ctx, si);
  return ok(setupIntentJson(si));
};

export const retrieveSetupIntent: StripeHandler = (ctx, { pathParams }) => {
  const si = ctx.store.setupIntents.get(pathParams.id ?? '');
  if (!si) throw noSuch('setup_intent', pathParams.id ?? '', 'intent');
  return ok(setupIntentJson(si));
};

function confirmSetup(ctx: SimulatorContext, si: StoredSetupIntent): void {
  if (!si.paymentMethod) {
    throw new SimulatorError(400, {
      type: 'invalid_request_error',
      code: 'setup_intent_unexpected_state',
      param: 'payment_method',
      message: "You cannot confirm this SetupIntent because it's missing a payment method.",
    });
  }
  const pm = findPaymentMethod(ctx, si.paymentMethod, 'payment_method');
  if (pm.outcome !== 'approve') {
    const decline = declineFor(pm.outcome);
    si.status = 'requires_payment_method';
    si.lastSetupError = decline;
    throw new SimulatorError(402, {
      ...decline,
      setup_intent: setupIntentJson(si),
      payment_method: paymentMethodJson(pm),
    });
  }
  si.status = 'succeeded';
  if (si.customer) pm.customer = si.customer;
}

function setupIntentJson(si: StoredSetupIntent) {
  return {
    id: si.id,
    object: 'setup_intent',
    cancellation_reason: null,
    client_secret: `${si.id}_secret_simulated`,
    created: si.created,
    customer: si.customer,
    description: null,
    last_setup_error: si.lastSetupError,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: si.metadata,
    next_action: null,
    payment_method: si.paymentMethod,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    status: si.status,
    usage: si.usage,
  };
}
