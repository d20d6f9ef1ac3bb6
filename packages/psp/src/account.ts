import type { PspProvider } from '@ivr/contracts';

/**
 * A PSP account: which gateway and the merchant's credentials at it. The deployment's own (`default`)
 * comes from the environment; an order system's own from order-link (docs/decisions/0010-psp-per-merchant.md).
 * Secrets (API key, ShopPass, SitePass) are never logged, published or answered by an API.
 */
export type PspCredentials = StripeCredentials | GmoPgCredentials;

export interface StripeCredentials {
  provider: 'simulator' | 'stripe';
  /** Secret key (sk_test_... / sk_live_...; the simulator takes any sk_ key). */
  apiKey: string;
}

/** GMO-PG's shop (transactions) and site (members and their cards). The vault needs the site only. */
export interface GmoPgCredentials {
  provider: 'gmo-pg';
  shopId: string;
  shopPass: string;
  siteId: string;
  sitePass: string;
}

export type PspAccount = PspCredentials & { id: string };

/**
 * Where each gateway's API is, per deployment (never per merchant: an account chosen through an API
 * must not be able to send card data elsewhere). Absent: the gateway is not reachable from here.
 */
export type PspEndpoints = Partial<Record<PspProvider, string>>;

/**
 * The problem with a credentials object (field named), or null when it is complete and well-formed.
 * `site`: GMO-PG's site only (what the vault holds: it registers cards and never pays).
 */
export function credentialsProblem(
  c: PspCredentials,
  scope: 'all' | 'site' = 'all',
): { field: keyof GmoPgCredentials | 'apiKey'; message: string } | null {
  type Rule = [keyof GmoPgCredentials | 'apiKey', string | undefined, RegExp, string];
  const rules: Rule[] = [];
  if (c.provider !== 'gmo-pg')
    rules.push(['apiKey', c.apiKey, /^sk_[A-Za-z0-9_]{1,250}$/, 'must be a secret key (sk_...)']);
  else {
    if (scope === 'all') {
      rules.push(['shopId', c.shopId, /^[A-Za-z0-9]{1,13}$/, 'must be 1-13 letters or digits']);
      rules.push(['shopPass', c.shopPass, /^[A-Za-z0-9]{1,10}$/, 'must be 1-10 letters or digits']);
    }
    rules.push(['siteId', c.siteId, /^[A-Za-z0-9]{1,13}$/, 'must be 1-13 letters or digits']);
    rules.push(['sitePass', c.sitePass, /^[A-Za-z0-9]{1,20}$/, 'must be 1-20 letters or digits']);
  }
  for (const [field, value, pattern, message] of rules) {
    if (typeof value !== 'string' || value === '') return { field, message: 'is required' };
    if (!pattern.test(value)) return { field, message };
  }
  return null;
}

/** What may be shown of an account: provider and identifiers, never a password or key. */
export function describeAccount(account: PspAccount): {
  id: string;
  provider: PspProvider;
  shopId?: string;
  siteId?: string;
} {
  return account.provider === 'gmo-pg'
    ? { id: account.id, provider: account.provider, shopId: account.shopId, siteId: account.siteId }
    : { id: account.id, provider: account.provider };
}
