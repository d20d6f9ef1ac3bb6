import type {
  AuthorizationApprovedPayload,
  AuthorizationCapturedPayload,
  AuthorizationDeclinedPayload,
  AuthorizationFailedPayload,
  AuthorizationOperationFailedPayload,
  AuthorizationOperationRequestedPayload,
  AuthorizationRefundedPayload,
  AuthorizationRequestedPayload,
  AuthorizationVoidedPayload,
  CardRegisteredPayload,
  CardSummary,
  DeclineReason as ContractDeclineReason,
  GatewayDeclineReason,
  PaymentMode,
} from '@ivr/contracts';

export type Mode = PaymentMode;

/** The card as authorization knows it: a gateway token and masked facts, never the number. */
export interface MaskedCard {
  pspToken: string;
  brand: string;
  bin: string;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
}

/**
 * The Authorization aggregate's events, stream id = payment id, published on ivr.authorizations.v1.
 * Each payload is the contract's payload in @ivr/contracts (what order-link and notification read)
 * plus this service's own fields. Times are ISO 8601 strings from the injected clock.
 */
export type AuthorizationEvent =
  | {
      type: 'AuthorizationRequested';
      data: AuthorizationRequestedPayload & {
        /** 0 and '' for a card registration without an amount. */
        orderReference: string;
        card: CardSummary;
        cardToken: string;
        customerReference: string | null;
        /**
         * A merchant-initiated charge of a stored card (no cardholder on the line): the card token is the
         * stored card's reference, charged off-session. Absent: a payment during a call.
         */
        merchantInitiated?: boolean;
        /** The PSP account every gateway call of this payment uses; absent in events from before accounts (= default). */
        pspAccountId?: string;
        /** The key every gateway call for this authorization uses: retries can never charge twice. */
        pspIdempotencyKey: string;
        /** 1 for the first request; more after a failure that left nothing at the gateway. */
        attempt: number;
        requestedAt: string;
      };
    }
  | { type: 'AuthorizationApproved'; data: AuthorizationApprovedPayload & { approvedAt: string } }
  | {
      type: 'AuthorizationDeclined';
      data: AuthorizationDeclinedPayload & {
        /** The gateway's normalized reason, finer than the contract's `reason`. */
        detail: GatewayDeclineReason;
        pspCode: string;
        pspDeclineCode: string;
        message: string;
        declinedAt: string;
      };
    }
  | {
      type: 'AuthorizationFailed';
      data: AuthorizationFailedPayload & { code: string; message: string; retryable: boolean; failedAt: string };
    }
  | {
      /** The gateway call ended without an answer; the authorization stays pending until reconciled. */
      type: 'AuthorizationOutcomeUnknown';
      data: { paymentId: string; cause: string; message: string; recordedAt: string };
    }
  | {
      type: 'CardRegistered';
      data: CardRegisteredPayload & { customerReference: string; registeredAt: string };
    }
  | {
      /**
       * A capture, void or refund is being sent to the PSP with its own key; the refund's `refundableBefore`
       * is what a PSP without keys (GMO-PG) compares its amount with to tell done from still to do.
       */
      type: 'AuthorizationOperationRequested';
      data: AuthorizationOperationRequestedPayload & {
        pspIdempotencyKey: string;
        refundableBefore: number;
        requestedAt: string;
      };
    }
  | {
      /** Captures from before the lifecycle have no operationId (one capture per payment) and no `final`. */
      type: 'AuthorizationCaptured';
      data: AuthorizationCapturedPayload & { capturedAt: string };
    }
  | { type: 'AuthorizationVoided'; data: AuthorizationVoidedPayload & { voidedAt: string } }
  | { type: 'AuthorizationRefunded'; data: AuthorizationRefundedPayload & { refundedAt: string } }
  | {
      type: 'AuthorizationOperationFailed';
      data: AuthorizationOperationFailedPayload & {
        /** A refusal by the rule: the request field at fault (`amount`, `final`), absent for a state refusal. */
        field?: string;
        failedAt: string;
      };
    }
  | {
      /** The PSP call of an operation ended without an answer: it stays pending until reconciled. */
      type: 'AuthorizationOperationOutcomeUnknown';
      data: { paymentId: string; operationId: string; cause: string; message: string; recordedAt: string };
    };

export type AuthorizationEventType = AuthorizationEvent['type'];

/** The contract's coarser decline reasons. */
export const CONTRACT_DECLINE_REASON: Record<GatewayDeclineReason, ContractDeclineReason> = {
  generic_decline: 'GENERIC_DECLINE',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  expired_card: 'EXPIRED_CARD',
  incorrect_cvc: 'INCORRECT_CVC',
  incorrect_number: 'GENERIC_DECLINE',
  processing_error: 'GENERIC_DECLINE',
  suspected_fraud: 'FRAUD_SUSPECTED',
  card_not_supported: 'CARD_NOT_SUPPORTED',
  limit_exceeded: 'DO_NOT_HONOR',
  authentication_required: 'DO_NOT_HONOR',
  try_again_later: 'GENERIC_DECLINE',
};

export const cardSummary = (card: MaskedCard): CardSummary => ({
  brand: card.brand,
  bin6: card.bin,
  last4: card.last4,
  expiryMonth: card.expiryMonth,
  expiryYear: card.expiryYear,
});
