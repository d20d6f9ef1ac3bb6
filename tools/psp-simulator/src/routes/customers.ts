import { ok, type SimulatorContext, type StripeHandler } from '../context';
import { newId, nowSeconds } from '../ids';
import type { StoredCustomer } from '../store';
import { noSuch } from '../stripe-errors';
import { findPaymentMethod } from './payment-methods';

/** POST /v1/customers: a customer to keep stored cards on (payment_method attaches one at once). */
export const createCustomer: StripeHandler = (ctx, { params }) => {
  params.allowOnly(['email', 'name', 'description', 'metadata', 'payment_method', 'phone', 'expand']);
  const customer: StoredCustomer = {
    id: newId('cus'),
    created: nowSeconds(),
    email: params.string('email') ?? null,
    name: params.string('name') ?? null,
    description: params.string('description') ?? null,
    metadata: params.metadata(),
  };
  const paymentMethod = params.string('payment_method');
  const pm = paymentMethod === undefined ? undefined : findPaymentMethod(ctx, paymentMethod, 'payment_method');
  ctx.store.customers.set(customer.id, customer);
  if (pm) pm.customer = customer.id;
  return ok(customerJson(customer));
};

export const retrieveCustomer: StripeHandler = (ctx, { pathParams }) =>
  ok(customerJson(findCustomer(ctx, pathParams.id ?? '', 'id')));

export function findCustomer(ctx: SimulatorContext, id: string, param: string): StoredCustomer {
  const customer = ctx.store.customers.get(id);
  if (!customer) throw noSuch('customer', id, param);
  return customer;
}

function customerJson(c: StoredCustomer) {
  return {
    id: c.id,
    object: 'customer',
    address: null,
    balance: 0,
    created: c.created,
    currency: null,
    delinquent: false,
    description: c.description,
    email: c.email,
    invoice_settings: { default_payment_method: null },
    livemode: false,
    metadata: c.metadata,
    name: c.name,
    phone: null,
  };
}
