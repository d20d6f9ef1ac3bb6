import type { DeclineReason, PaymentMode } from '../vocabulary';
import type { CardSummary } from './card';

/**
 * Authorization aggregate events on `ivr.authorizations.v1` (producer: authorization; key = payment id,
 * aggregateType `Authorization`, aggregateId = payment id). The subset order-link and notification consume.
 * Amounts are in the currency's minor unit (JPY 1200 = 1,200 yen).
 */
export const AuthorizationEventTypes = {
  requested: 'AuthorizationRequested',
  approved: 'AuthorizationApproved',
  declined: 'AuthorizationDeclined',
  failed: 'AuthorizationFailed',
  cardRegistered: 'CardRegistered',
} as const;

export interface AuthorizationRequestedPayload {
  paymentId: string;
  mode: PaymentMode;
  amount: number;
  currency: string;
}

/** The PSP approved (mode AUTHORIZE) or approved and captured (mode CAPTURE) the amount. */
export interface AuthorizationApprovedPayload {
  paymentId: string;
  mode: PaymentMode;
  amount: number;
  currency: string;
  authorizationCode: string;
  pspReference: string;
  /** true when the amount was captured too (mode CAPTURE). */
  captured: boolean;
  card?: CardSummary;
}

export interface AuthorizationDeclinedPayload {
  paymentId: string;
  reason: DeclineReason;
  /** The PSP's code (Stripe code; GMO-PG ErrCode, e.g. G02). */
  pspCode?: string;
  /** The PSP's detail (Stripe decline_code; GMO-PG ErrInfo, e.g. 42G020000). */
  pspDeclineCode?: string;
  pspReference?: string;
  /** The masked card that was declined: the call's CardCaptured travels on another topic and may come later. */
  card?: CardSummary;
}

/** The PSP could not be reached or answered an error; nothing was charged (or it was reconciled). */
export interface AuthorizationFailedPayload {
  paymentId: string;
  /** e.g. `PSP_TIMEOUT`, `PSP_ERROR`, `INVALID_REQUEST` */
  reason: string;
  pspReference?: string;
}

/** Mode REGISTER_CARD: the card is stored at the PSP for later charges. */
export interface CardRegisteredPayload {
  paymentId: string;
  /** The PSP's stored-card reference (e.g. customer + payment method). */
  storedCardReference: string;
  pspReference?: string;
  card?: CardSummary;
}

/** Payload type by event type (envelope `type` → `payload`). */
export interface AuthorizationEventPayloads {
  [AuthorizationEventTypes.requested]: AuthorizationRequestedPayload;
  [AuthorizationEventTypes.approved]: AuthorizationApprovedPayload;
  [AuthorizationEventTypes.declined]: AuthorizationDeclinedPayload;
  [AuthorizationEventTypes.failed]: AuthorizationFailedPayload;
  [AuthorizationEventTypes.cardRegistered]: CardRegisteredPayload;
}
