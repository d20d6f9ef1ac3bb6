import { ok, type StripeHandler } from '../context';
import type { StoredPaymentIntent } from '../store';
import { invalidRequest } from '../stripe-errors';
import { paymentIntentJson } from './payment-intents';

/**
 * GET /v1/payment_intents/search?query=metadata['payment_id']:'pay_1' AND status:'succeeded'
 * A subset of Stripe's search language: clauses joined by AND, exact matches on metadata, status,
 * currency, customer and amount. Unlike Stripe (where search lags by up to a minute) results are
 * immediate, so a reconciliation that must work against Stripe should try the idempotent retry first.
 */
export const searchPaymentIntents: StripeHandler = (ctx, { query }) => {
  const text = typeof query.query === 'string' ? query.query : '';
  if (!text.trim()) throw invalidRequest('Missing required param: query.', 'query', 'parameter_missing');
  const limitText = typeof query.limit === 'string' ? query.limit : '10';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidRequest('limit must be from 1 to 100', 'limit');
  const expand = Array.isArray(query.expand) ? query.expand : [query.expand];
  const expandCharge = expand.includes('data.latest_charge');
  const clauses = text.split(/\s+AND\s+/).map(parseClause);
  const matches = [...ctx.store.paymentIntents.values()]
    .filter((pi) => clauses.every((c) => c(pi)))
    .sort((a, b) => b.created - a.created);
  return ok({
    object: 'search_result',
    data: matches.slice(0, limit).map((pi) => paymentIntentJson(pi, expandCharge)),
    has_more: matches.length > limit,
    next_page: null,
    url: '/v1/payment_intents/search',
  });
};

type Clause = (pi: StoredPaymentIntent) => boolean;

const CLAUSE = /^(metadata\[(['"])(.+?)\2\]|[a-z_]+):(?:(['"])(.*)\4|(\d+))$/;

function parseClause(raw: string): Clause {
  const m = CLAUSE.exec(raw.trim());
  if (!m) throw invalidRequest(`Invalid search query clause: ${raw.trim()}`, 'query');
  const [, field, , metadataKey, , quoted, numeric] = m;
  const value = quoted ?? numeric ?? '';
  if (metadataKey !== undefined) return (pi) => pi.metadata[metadataKey] === value;
  switch (field) {
    case 'status':
      return (pi) => pi.status === value;
    case 'currency':
      return (pi) => pi.currency === value.toLowerCase();
    case 'customer':
      return (pi) => pi.customer === value;
    case 'amount':
      return (pi) => pi.amount === Number(value);
    default:
      throw invalidRequest(`Field ${field} is not supported in search queries by the simulator.`, 'query');
  }
}
