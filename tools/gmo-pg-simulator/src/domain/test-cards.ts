import { luhnValid } from '@ivr/contracts';
import { brandOf, type CardBrand, type StripeCardOutcome, stripeOutcomeOf } from '@ivr/psp-simulator';
import { G } from './codes';

/**
 * The cards the simulator accepts and what each one does. GMO-PG's public test number is 4111111111111111;
 * GMO-PG's own decline test cards are not public (docs/psp/gmo-pg.md §6), so every other card is one of
 * Stripe's published test numbers (https://docs.stripe.com/testing), the only other card numbers this
 * repository allows, with the GMO-PG result of the same meaning. Only the outcome class is kept.
 */
export type CardOutcome =
  | 'approve'
  | 'insufficient_funds'
  | 'over_limit'
  | 'expired_card'
  | 'security_code_mismatch'
  | 'card_not_usable'
  | 'lost_card'
  | 'network_failure'
  /** Luhn-valid but not a published test card: refused (GMO-PG's G97, "request refused"). */
  | 'not_a_test_card';

const GMO_TEST_CARDS: Record<string, CardOutcome> = { '4111111111111111': 'approve' };

/** Stripe's test-card outcomes (tools/psp-simulator) as GMO-PG results. */
const FROM_STRIPE: Record<StripeCardOutcome, CardOutcome> = {
  approve: 'approve',
  generic_decline: 'card_not_usable',
  insufficient_funds: 'insufficient_funds',
  card_velocity_exceeded: 'over_limit',
  expired_card: 'expired_card',
  incorrect_cvc: 'security_code_mismatch',
  lost_card: 'lost_card',
  processing_error: 'network_failure',
  live_card_in_test_mode: 'not_a_test_card',
};

export interface ClassifiedCard {
  brand: CardBrand;
  bin: string;
  last4: string;
  length: number;
  outcome: CardOutcome;
}

/** Classifies a card number, or answers GMO-PG's "card number is wrong" (G65) when the check digit fails. */
export function classifyCard(cardNo: string): ClassifiedCard | { wrongNumber: string } {
  if (!luhnValid(cardNo)) return { wrongNumber: G.wrongNumber };
  return {
    brand: brandOf(cardNo),
    bin: cardNo.slice(0, 6),
    last4: cardNo.slice(-4),
    length: cardNo.length,
    outcome: GMO_TEST_CARDS[cardNo] ?? FROM_STRIPE[stripeOutcomeOf(cardNo)],
  };
}

/** Where the card is checked: a payment (ExecTran, ChangeTran) or a validity check (SaveCard, JobCd CHECK). */
export type CardCheck = 'payment' | 'validity';

/**
 * The card company's answer for a card of this outcome. Balance and limit show only on a payment; the
 * security-code card fails only when a security code is sent (nothing to compare otherwise).
 */
export function cardCompanyResult(
  outcome: CardOutcome,
  check: CardCheck,
  securityCodeGiven: boolean,
): string | undefined {
  switch (outcome) {
    case 'approve':
      return undefined;
    case 'insufficient_funds':
      return check === 'payment' ? G.insufficientFunds : undefined;
    case 'over_limit':
      return check === 'payment' ? G.overLimit : undefined;
    case 'expired_card':
      return G.expiry;
    case 'security_code_mismatch':
      return securityCodeGiven ? G.securityCode : undefined;
    case 'card_not_usable':
      return G.cardNotUsable;
    case 'lost_card':
      return G.accidentCard;
    case 'network_failure':
      return G.networkFailure;
    case 'not_a_test_card':
      return G.requestRefused;
  }
}

/** `Expire` (YYMM) is past when its month has ended in Japan time (`today` is YYYYMM there). */
export function expired(expire: string, todayYearMonth: string): boolean {
  return `20${expire}` < todayYearMonth;
}

export type CardMask = 'last4' | 'first6last4';

/** The card number as GMO-PG shows it: every digit but the last 4 as `*`, or the first 6 and last 4. */
export function maskCard(card: { bin: string; last4: string; length: number }, mask: CardMask): string {
  if (mask === 'first6last4') return `${card.bin}${'*'.repeat(Math.max(0, card.length - 10))}${card.last4}`;
  return `${'*'.repeat(card.length - 4)}${card.last4}`;
}
