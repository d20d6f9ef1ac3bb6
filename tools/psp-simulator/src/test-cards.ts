/**
 * Stripe's published test cards and the outcome each one produces when a payment or setup intent is
 * confirmed (https://docs.stripe.com/testing). The simulator recognises a card by its number once, at
 * payment-method creation, and from then on keeps only the outcome class: never the number itself.
 */
export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'jcb' | 'discover' | 'diners' | 'unionpay' | 'unknown';

export type CardOutcome =
  | 'approve'
  | 'generic_decline'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'processing_error'
  /** The balance or credit limit is exceeded (Stripe: card_declined / card_velocity_exceeded). */
  | 'card_velocity_exceeded'
  | 'lost_card'
  /** A Luhn-valid number that is not a published test card: Stripe test mode declines it. */
  | 'live_card_in_test_mode';

const OUTCOME_BY_TEST_CARD: Record<string, CardOutcome> = {
  '4242424242424242': 'approve',
  '4000056655665556': 'approve',
  '5555555555554444': 'approve',
  '2223003122003222': 'approve',
  '5200828282828210': 'approve',
  '378282246310005': 'approve',
  '371449635398431': 'approve',
  '3530111333300000': 'approve',
  '3566002020360505': 'approve',
  '6011111111111117': 'approve',
  '3056930009020004': 'approve',
  '36227206271667': 'approve', // Diners Club, 14 digits
  '6200000000000005': 'approve',
  '6205500000000000004': 'approve', // UnionPay, 19 digits
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000000000000119': 'processing_error',
  '4000000000006975': 'card_velocity_exceeded',
  '4000000000009987': 'lost_card',
};

export function outcomeOf(cardNumber: string): CardOutcome {
  return OUTCOME_BY_TEST_CARD[cardNumber] ?? 'live_card_in_test_mode';
}

/** Brand by IIN range, the way the networks publish them (enough for every test card). */
export function brandOf(cardNumber: string): CardBrand {
  const two = Number(cardNumber.slice(0, 2));
  const four = Number(cardNumber.slice(0, 4));
  if (cardNumber.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (four >= 3528 && four <= 3589) return 'jcb';
  if (cardNumber.startsWith('6011') || cardNumber.startsWith('65')) return 'discover';
  if (two === 36 || two === 38 || (four >= 3000 && four <= 3059)) return 'diners';
  if (two === 62) return 'unionpay';
  return 'unknown';
}
