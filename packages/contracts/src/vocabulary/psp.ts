import { oneOf } from './one-of';

/**
 * The payment gateways a deployment or a merchant can use (docs/decisions/0009-psp-seam-and-gmo-pg.md):
 * `simulator` is Stripe's API as tools/psp-simulator answers it (development and tests), `stripe` is
 * Stripe itself (or stripe-mock), `gmo-pg` is GMO Payment Gateway's protocol-type card API (or
 * tools/gmo-pg-simulator). The vault registers cards and authorization charges them with the same one.
 */
export const PSP_PROVIDERS = ['simulator', 'stripe', 'gmo-pg'] as const;
export type PspProvider = (typeof PSP_PROVIDERS)[number];
export const isPspProvider = oneOf(PSP_PROVIDERS);

/**
 * The PSP account of the deployment's own configuration (environment / chart): every payment of an order
 * system that is bound to no account of its own uses it.
 */
export const DEFAULT_PSP_ACCOUNT_ID = 'default';

/** A PSP account id: `default`, or one order-link issued (`pa_` and 24 lower-case hex digits). */
export const PSP_ACCOUNT_ID = /^(default|pa_[0-9a-f]{24})$/;
export const isPspAccountId = (value: unknown): value is string =>
  typeof value === 'string' && PSP_ACCOUNT_ID.test(value);
