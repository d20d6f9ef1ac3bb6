import type { GatewayDeclineReason } from '@ivr/contracts';
import type { Decline } from '../outcome';

/**
 * Stripe's card errors to the normalized reasons. Stripe puts the issuer's reason in `decline_code`
 * (https://docs.stripe.com/declines/codes) and its own category in `code`; the first match wins.
 */
const BY_DECLINE_CODE: Record<string, GatewayDeclineReason> = {
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  processing_error: 'processing_error',
  fraudulent: 'suspected_fraud',
  lost_card: 'suspected_fraud',
  stolen_card: 'suspected_fraud',
  pickup_card: 'suspected_fraud',
  merchant_blacklist: 'suspected_fraud',
  card_not_supported: 'card_not_supported',
  currency_not_supported: 'card_not_supported',
  card_velocity_exceeded: 'limit_exceeded',
  withdrawal_count_limit_exceeded: 'limit_exceeded',
  authentication_required: 'authentication_required',
  try_again_later: 'try_again_later',
  issuer_not_available: 'try_again_later',
  reenter_transaction: 'try_again_later',
};

const BY_CODE: Record<string, GatewayDeclineReason> = {
  expired_card: 'expired_card',
  incorrect_cvc: 'incorrect_cvc',
  invalid_cvc: 'incorrect_cvc',
  incorrect_number: 'incorrect_number',
  invalid_number: 'incorrect_number',
  invalid_expiry_month: 'expired_card',
  invalid_expiry_year: 'expired_card',
  processing_error: 'processing_error',
  authentication_required: 'authentication_required',
};

export function declineFromStripe(error: Record<string, unknown>, pspReference?: string): Decline {
  const code = typeof error.code === 'string' ? error.code : 'card_declined';
  const declineCode = typeof error.decline_code === 'string' ? error.decline_code : '';
  return {
    reason: BY_DECLINE_CODE[declineCode] ?? BY_CODE[code] ?? 'generic_decline',
    pspCode: code,
    pspDeclineCode: declineCode,
    message: typeof error.message === 'string' ? error.message : 'The card was declined.',
    ...(pspReference ? { pspReference } : {}),
  };
}
