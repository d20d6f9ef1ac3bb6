import { luhnValid } from '@ivr/contracts';
import { ok, type SimulatorContext, type StripeHandler } from '../context';
import { newId, nowSeconds } from '../ids';
import type { FormParams } from '../params';
import type { StoredPaymentMethod } from '../store';
import { invalidRequest, noSuch, SimulatorError } from '../stripe-errors';
import { brandOf, outcomeOf } from '../test-cards';

/**
 * POST /v1/payment_methods (type=card). The card number and security code are read once, checked,
 * classified, and dropped from the parsed body; only brand, BIN, last 4, expiry and outcome are kept.
 */
export const createPaymentMethod: StripeHandler = (ctx, { params }) => {
  params.allowOnly(['type', 'card', 'billing_details', 'metadata', 'expand']);
  const type = params.requiredString('type');
  if (type !== 'card') throw invalidRequest(`Invalid type: the simulator supports card only`, 'type');
  const pm = readCard(params);
  ctx.store.paymentMethods.set(pm.id, pm);
  return ok(paymentMethodJson(pm));
};

export const retrievePaymentMethod: StripeHandler = (ctx, { pathParams }) =>
  ok(paymentMethodJson(findPaymentMethod(ctx, pathParams.id ?? '', 'id')));

/** POST /v1/payment_methods/:id/attach (customer) */
export const attachPaymentMethod: StripeHandler = (ctx, { params, pathParams }) => {
  params.allowOnly(['customer', 'expand']);
  const pm = findPaymentMethod(ctx, pathParams.id ?? '', 'payment_method');
  const customer = params.requiredString('customer');
  if (!ctx.store.customers.has(customer)) throw noSuch('customer', customer, 'customer');
  pm.customer = customer;
  return ok(paymentMethodJson(pm));
};

export function findPaymentMethod(ctx: SimulatorContext, id: string, param: string): StoredPaymentMethod {
  const pm = ctx.store.paymentMethods.get(id);
  if (!pm) throw noSuch('PaymentMethod', id, param);
  return pm;
}

function readCard(params: FormParams): StoredPaymentMethod {
  const number = params.requiredString('card[number]').replace(/[ -]/g, '');
  const cvc = params.string('card[cvc]');
  params.forget('card[number]');
  params.forget('card[cvc]');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    throw cardError('incorrect_number', 'Your card number is incorrect.', 'card[number]');
  }
  if (cvc !== undefined && !/^\d{3,4}$/.test(cvc)) {
    throw cardError('invalid_cvc', "Your card's security code is invalid.", 'card[cvc]');
  }
  const expMonth = params.requiredInteger('card[exp_month]');
  if (expMonth < 1 || expMonth > 12) {
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'card[exp_month]');
  }
  let expYear = params.requiredInteger('card[exp_year]');
  if (expYear < 100) expYear += 2000;
  const now = new Date();
  const expired =
    expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1);
  if (expired || expYear > now.getUTCFullYear() + 50) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'card[exp_year]');
  }
  return {
    id: newId('pm'),
    created: nowSeconds(),
    brand: brandOf(number),
    bin: number.slice(0, 6),
    last4: number.slice(-4),
    expMonth,
    expYear,
    outcome: outcomeOf(number),
    customer: null,
    metadata: params.metadata(),
    usedWithoutCustomer: false,
  };
}

function cardError(code: string, message: string, param: string): SimulatorError {
  return new SimulatorError(402, { type: 'card_error', code, message, param });
}

export function paymentMethodJson(pm: StoredPaymentMethod) {
  return {
    id: pm.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
    },
    card: {
      brand: pm.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'unchecked' },
      country: 'US',
      display_brand: pm.brand,
      exp_month: pm.expMonth,
      exp_year: pm.expYear,
      funding: 'credit',
      generated_from: null,
      // Not Stripe's field: the simulator reports the BIN it kept, since it never keeps the number.
      iin: pm.bin,
      last4: pm.last4,
      networks: { available: [pm.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: pm.created,
    customer: pm.customer,
    livemode: false,
    metadata: pm.metadata,
    type: 'card',
  };
}
