import type { LastPaymentError } from '../store';
import type { CardOutcome } from '../test-cards';

/** The card_error Stripe returns for each declining test card (code, decline_code, message). */
export function declineFor(outcome: Exclude<CardOutcome, 'approve'>): LastPaymentError {
  switch (outcome) {
    case 'generic_decline':
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
    case 'insufficient_funds':
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      };
    case 'expired_card':
      return {
        type: 'card_error',
        code: 'expired_card',
        decline_code: 'expired_card',
        message: 'Your card has expired.',
      };
    case 'incorrect_cvc':
      return {
        type: 'card_error',
        code: 'incorrect_cvc',
        decline_code: 'incorrect_cvc',
        message: "Your card's security code is incorrect.",
      };
    case 'processing_error':
      return {
        type: 'card_error',
        code: 'processing_error',
        decline_code: 'processing_error',
        message: 'An error occurred while processing your card. Try again in a little bit.',
      };
    case 'card_velocity_exceeded':
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'card_velocity_exceeded',
        message: 'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
      };
    case 'lost_card':
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'lost_card',
        message: 'Your card was declined.',
      };
    case 'live_card_in_test_mode':
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'test_mode_live_card',
        message:
          'Your card was declined. Your request was in test mode, but used a non test card. ' +
          'For a list of valid test cards, visit: https://stripe.com/docs/testing.',
      };
  }
}
