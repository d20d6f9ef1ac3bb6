// Why a card was declined, at two grains.

/**
 * The reason as order systems see it (PaymentDeclined, PaymentCompleted `reason`, the console's words
 * to say to the caller).
 */
export const DECLINE_REASONS = [
  'GENERIC_DECLINE',
  'INSUFFICIENT_FUNDS',
  'EXPIRED_CARD',
  'INCORRECT_CVC',
  'CARD_NOT_SUPPORTED',
  'FRAUD_SUSPECTED',
  'DO_NOT_HONOR',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/**
 * The finer reason normalized across gateways (`@ivr/psp`'s `Decline.reason`, the authorization
 * service's `detail`; gRPC `ivr.authorization.v1.DeclineReason`). The gateway's own codes travel
 * alongside. The authorization service maps it to the coarser `DeclineReason` of its events.
 */
export const GATEWAY_DECLINE_REASONS = [
  'generic_decline',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'incorrect_number',
  'processing_error',
  'suspected_fraud',
  'card_not_supported',
  'limit_exceeded',
  'authentication_required',
  'try_again_later',
] as const;
export type GatewayDeclineReason = (typeof GATEWAY_DECLINE_REASONS)[number];
