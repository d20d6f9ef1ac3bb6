import { createHash } from 'node:crypto';

/**
 * The product's ids as GMO-PG identifiers. Deterministic, so that every retry, restart and
 * reconciliation of a payment uses the same ones (docs/psp/gmo-pg.md §7.1).
 */

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The OrderID of a payment: at most 27 characters of `[A-Za-z0-9-]`, unique per shop forever, so it is
 * GMO-PG's idempotency key. order-link's ids (`pay_` + 26 hex digits) keep their digits (`p` + 26 hex);
 * any other id is hashed (`h` + 26 hex digits of its SHA-256).
 */
export function gmoOrderId(paymentId: string): string {
  const m = /^pay_([0-9a-f]{26})$/.exec(paymentId);
  return m ? `p${m[1]}` : `h${sha256Hex(paymentId).slice(0, 26)}`;
}

/**
 * The MemberID the vault registers a card under: one member per registration key (a call), so a
 * retried registration finds its member (`E01390010`) instead of creating another.
 */
export function gmoMemberId(registrationKey: string): string {
  return `ivr-${sha256Hex(registrationKey).slice(0, 40)}`;
}

const REFERENCE = /^gmo_([A-Za-z0-9-]{1,60})_(\d{1,4})$/;

/**
 * The card reference the vault hands over (MaskedCard.psp_token) and authorization charges: member and
 * physical card sequence (`SeqMode=1`, which keeps naming the same card when another is deleted).
 */
export function gmoCardReference(memberId: string, cardSeq: number): string {
  const reference = `gmo_${memberId}_${cardSeq}`;
  if (!REFERENCE.test(reference)) throw new RangeError('not a GMO-PG member id and card sequence');
  return reference;
}

export function parseGmoCardReference(reference: string): { memberId: string; cardSeq: number } | null {
  const m = REFERENCE.exec(reference);
  return m ? { memberId: m[1] as string, cardSeq: Number(m[2]) } : null;
}

/** `yyyyMMdd` of an instant in Japan time (UTC+9, no daylight saving): GMO-PG's day boundaries. */
export function japanDate(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}
