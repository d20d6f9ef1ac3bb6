import type { DeclineReason, LifecycleCapabilities, OperationAmount, OperationRef, PaymentMode } from '../vocabulary';
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
  /** A capture, void or refund of an approved payment is being sent to the PSP (its own idempotency key). */
  operationRequested: 'AuthorizationOperationRequested',
  captured: 'AuthorizationCaptured',
  voided: 'AuthorizationVoided',
  refunded: 'AuthorizationRefunded',
  /** The operation was refused (by the rule or the PSP) or failed certainly: nothing moved. */
  operationFailed: 'AuthorizationOperationFailed',
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
  /** What the PSP can do next with this payment (absent in events from before the lifecycle). */
  capabilities?: LifecycleCapabilities;
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
  /** The PSP's stored-card reference (Stripe payment method; GMO-PG member and card sequence). */
  storedCardReference: string;
  /** The PSP's customer holding the card (Stripe customer; GMO-PG MemberID): with the reference, what charges it later. */
  customerReference?: string;
  pspReference?: string;
  card?: CardSummary;
}

export type AuthorizationOperationRequestedPayload = OperationRef & OperationAmount;

/** The PSP captured `amount` (all of the capture asked; `final`: nothing more can be captured). */
export interface AuthorizationCapturedPayload {
  paymentId: string;
  /** Absent on captures from before the lifecycle (one per payment). */
  operationId?: string;
  pspReference: string;
  amount: number;
  currency: string;
  final?: boolean;
}

export interface AuthorizationVoidedPayload {
  paymentId: string;
  operationId?: string;
  pspReference: string;
}

export interface AuthorizationRefundedPayload {
  paymentId: string;
  operationId: string;
  pspReference: string;
  refundReference: string;
  amount: number;
  currency: string;
}

export interface AuthorizationOperationFailedPayload extends OperationRef {
  /** `refused` (the rule, before the PSP), `psp_rejected:<code>`, `psp_declined:<code>`, `psp_account_unusable`. */
  code: string;
  message: string;
}

/** Payload type by event type (envelope `type` → `payload`). */
export interface AuthorizationEventPayloads {
  [AuthorizationEventTypes.requested]: AuthorizationRequestedPayload;
  [AuthorizationEventTypes.approved]: AuthorizationApprovedPayload;
  [AuthorizationEventTypes.declined]: AuthorizationDeclinedPayload;
  [AuthorizationEventTypes.failed]: AuthorizationFailedPayload;
  [AuthorizationEventTypes.cardRegistered]: CardRegisteredPayload;
  [AuthorizationEventTypes.operationRequested]: AuthorizationOperationRequestedPayload;
  [AuthorizationEventTypes.captured]: AuthorizationCapturedPayload;
  [AuthorizationEventTypes.voided]: AuthorizationVoidedPayload;
  [AuthorizationEventTypes.refunded]: AuthorizationRefundedPayload;
  [AuthorizationEventTypes.operationFailed]: AuthorizationOperationFailedPayload;
}
