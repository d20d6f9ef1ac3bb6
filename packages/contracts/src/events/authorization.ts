/** Events of the authorization service, for its consumers (order-link, notification). */

/** An amount in the currency's minor unit (JPY has none). */
export interface AuthorizationMoney {
  minorUnits: number;
  /** ISO 4217, upper case. */
  currency: string;
}

export type AuthorizationMode = 'AUTHORIZE' | 'CAPTURE' | 'REGISTER_CARD';

/** The card as authorization knows it: a gateway token and masked facts, never the number. */
export interface AuthorizationMaskedCard {
  pspToken: string;
  brand: string;
  bin: string;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
}

export type AuthorizationDeclineReason =
  | 'generic_decline'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'incorrect_number'
  | 'processing_error'
  | 'suspected_fraud'
  | 'card_not_supported'
  | 'limit_exceeded'
  | 'authentication_required'
  | 'try_again_later';

/**
 * Payloads of the Authorization aggregate's events (envelope `type` = the union's `type`, `payload` =
 * its `data`), published by the authorization service on ivr.authorizations.v1, key = payment id.
 * Times are ISO 8601 strings. No card number or security code: the card is a PSP token and masked facts.
 */
export type AuthorizationEvent =
  | {
      type: 'AuthorizationRequested';
      data: {
        paymentId: string;
        mode: AuthorizationMode;
        amount: AuthorizationMoney | null;
        orderReference: string;
        card: AuthorizationMaskedCard;
        customerReference: string | null;
        /** The key every gateway call for this authorization uses: retries can never charge twice. */
        pspIdempotencyKey: string;
        /** 1 for the first request; more after a failure that left nothing at the gateway. */
        attempt: number;
        requestedAt: string;
      };
    }
  | {
      type: 'AuthorizationApproved';
      data: {
        paymentId: string;
        pspReference: string;
        authorizationCode: string;
        /** true in CAPTURE mode: authorized and captured at once. */
        captured: boolean;
        amount: AuthorizationMoney;
        approvedAt: string;
      };
    }
  | {
      type: 'AuthorizationDeclined';
      data: {
        paymentId: string;
        reason: AuthorizationDeclineReason;
        pspCode: string;
        pspDeclineCode: string;
        message: string;
        pspReference: string | null;
        declinedAt: string;
      };
    }
  | {
      type: 'AuthorizationFailed';
      data: { paymentId: string; code: string; message: string; retryable: boolean; failedAt: string };
    }
  | {
      /** The gateway call ended without an answer; the authorization stays pending until reconciled. */
      type: 'AuthorizationOutcomeUnknown';
      data: { paymentId: string; cause: string; message: string; recordedAt: string };
    }
  | {
      type: 'CardRegistered';
      data: {
        paymentId: string;
        customerReference: string;
        storedCardReference: string;
        pspReference: string;
        registeredAt: string;
      };
    }
  | {
      type: 'AuthorizationCaptured';
      data: { paymentId: string; pspReference: string; amount: AuthorizationMoney; capturedAt: string };
    }
  | { type: 'AuthorizationVoided'; data: { paymentId: string; pspReference: string; voidedAt: string } };

export type AuthorizationEventType = AuthorizationEvent['type'];
