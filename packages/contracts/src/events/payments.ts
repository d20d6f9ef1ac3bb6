import type {
  CallMode,
  DeclineReason,
  Language,
  LifecycleCapabilities,
  OperationAmount,
  OperationRef,
  PaymentMode,
} from '../vocabulary';
import type { CallEndReason } from './calls';
import type { CardSummary } from './card';

/**
 * Payment aggregate events on `ivr.payments.v1` (producer: order-link; key = payment id,
 * aggregateType `Payment`). Consumed by notification (webhooks, live view) and call-control.
 * Amounts are in the currency's minor unit.
 */
export const PaymentEventTypes = {
  requested: 'PaymentRequested',
  transferredToIvr: 'PaymentTransferredToIvr',
  cardCaptured: 'PaymentCardCaptured',
  approved: 'PaymentApproved',
  declined: 'PaymentDeclined',
  failed: 'PaymentFailed',
  cancelled: 'PaymentCancelled',
  expired: 'PaymentExpired',
  abandoned: 'PaymentAbandoned',
  fieldRestartRequested: 'PaymentFieldRestartRequested',
  cancellationRequested: 'PaymentCancellationRequested',
  /** An order system (or a supervisor) asked to capture, void or refund an approved payment. */
  operationRequested: 'PaymentOperationRequested',
  /** The PSP did it (authorization's AuthorizationCaptured, ...Voided, ...Refunded). */
  operationSucceeded: 'PaymentOperationSucceeded',
  /** It was refused or failed at the PSP: nothing moved. */
  operationFailed: 'PaymentOperationFailed',
} as const;

export type PaymentEventType = (typeof PaymentEventTypes)[keyof typeof PaymentEventTypes];

/** Who did something to a payment, for the audit trail. */
export type Actor =
  | { kind: 'api_key'; id: string; orderSystem: string }
  | { kind: 'operator'; id: string }
  | { kind: 'system'; id: string };

export interface PaymentRequestedPayload {
  paymentId: string;
  orderId: string;
  /** The order system (API key owner) the payment belongs to. */
  orderSystem: string;
  /**
   * The PSP account (merchant) the payment is paid with: the order system's own (`pa_...`) when it has
   * one, else `default` (the deployment's). Absent in events from before PSP accounts: `default`.
   */
  pspAccountId?: string;
  amount: number;
  currency: string;
  description: string;
  mode: PaymentMode;
  language: Language;
  /**
   * The operator's SIP URI, e.g. `sip:operator-12@pbx.example.com`: the IVR hands the caller back to it
   * (IVR_ONLY) or calls it to bridge the operator in (AGENT_ASSISTED).
   */
  returnSipAddress: string;
  /** How the operator takes part in the call. Read it with `callModeOf` (events stored before it existed). */
  callMode: CallMode;
  metadata: Record<string, string>;
  transferCode: string;
  transferCodeExpiresAt: string;
  requestedBy: Actor;
  requestedAt: string;
  /**
   * A merchant-initiated charge of a card registered earlier (mode REGISTER_CARD), without a call: no
   * transfer code, the authorization service charges the stored card when it reads this event.
   */
  storedCard?: StoredCardCharge;
}

/** The card a merchant-initiated payment charges: what its registration (a REGISTER_CARD payment) answered. */
export interface StoredCardCharge {
  /** The REGISTER_CARD payment that stored the card (same order system). */
  registrationPaymentId: string;
  /** The PSP's reference of the stored card (Stripe payment method; GMO-PG member and card sequence). */
  storedCardReference: string;
  /** The PSP's customer holding it (Stripe customer; GMO-PG MemberID). */
  customerReference: string;
}

export interface PaymentTransferredToIvrPayload {
  paymentId: string;
  callId: string;
  /** As the call started (CallStarted.callMode). Read it with `callModeOf`. */
  callMode: CallMode;
  at: string;
}

/**
 * Events written before call modes existed (issue 15) carry instead a boolean that meant "the operator
 * stays on the line"; the only safe way for an operator to stay on the line is AGENT_ASSISTED, so that is
 * what it reads as. Every reader of `callMode` (payments, payments' views, CallStarted) goes through this.
 */
export function callModeOf(data: { callMode?: CallMode | undefined }): CallMode {
  if (data.callMode) return data.callMode;
  return (data as Record<string, unknown>)[LEGACY_OPERATOR_STAYED_ON] === true ? 'AGENT_ASSISTED' : 'IVR_ONLY';
}

/** The removed flag's name in stored events (never written any more). */
const LEGACY_OPERATOR_STAYED_ON = 'threeWay';

export interface PaymentCardCapturedPayload {
  paymentId: string;
  callId: string;
  card: CardSummary;
  at: string;
}

export interface PaymentApprovedPayload {
  paymentId: string;
  /** Empty for REGISTER_CARD. */
  authorizationCode: string;
  pspReference: string;
  captured: boolean;
  /** REGISTER_CARD only. */
  storedCardReference?: string;
  /** REGISTER_CARD only: the PSP's customer holding the stored card (absent in events from before it was kept). */
  customerReference?: string;
  /** What the PSP can do next (captures in parts, partial refunds); absent before the lifecycle. */
  capabilities?: LifecycleCapabilities;
  card?: CardSummary;
  at: string;
}

export interface PaymentDeclinedPayload {
  paymentId: string;
  reason: DeclineReason;
  pspCode?: string;
  /** The PSP's detail code (Stripe decline_code; GMO-PG ErrInfo, e.g. 42G020000). */
  pspDeclineCode?: string;
  pspReference?: string;
  card?: CardSummary;
  at: string;
}

export interface PaymentFailedPayload {
  paymentId: string;
  reason: string;
  at: string;
}

export interface PaymentCancelledPayload {
  paymentId: string;
  cancelledBy: Actor;
  reason?: string;
  at: string;
}

export interface PaymentExpiredPayload {
  paymentId: string;
  transferCode: string;
  at: string;
}

export interface PaymentAbandonedPayload {
  paymentId: string;
  callId: string;
  callEndReason: CallEndReason;
  /** CARD_REJECTED at registration: the PSP's own codes (GMO-PG ErrCode and ErrInfo). */
  pspCode?: string;
  pspDeclineCode?: string;
  at: string;
}

/**
 * Agent-assisted mode: the operator, on the call, asks the IVR to start the card field being keyed again
 * ("let's enter it again"). call-control (consuming this topic) restarts the capture and answers with the
 * call event OperatorRequestHandled; the payment's status does not change.
 */
export interface PaymentFieldRestartRequestedPayload {
  paymentId: string;
  callId: string;
  requestedBy: Actor;
  at: string;
}

/**
 * A payment in the IVR of an agent-assisted call is to be cancelled (the operator is on the call): the IVR
 * stops the capture and tells the caller. It is cancelled (PaymentCancelled) once call-control reports it
 * done (OperatorRequestHandled); too late once the card is captured.
 */
export interface PaymentCancellationRequestedPayload {
  paymentId: string;
  callId: string;
  requestedBy: Actor;
  reason?: string;
  at: string;
}

/**
 * A capture, void or refund asked of an approved payment (decided by the Payment: the amount is within
 * what can be captured or refunded, and the PSP can do it). authorization reads it and calls the PSP with
 * the operation's own idempotency key; the outcome comes back on `ivr.authorizations.v1`.
 */
export interface PaymentOperationRequestedPayload extends OperationRef, OperationAmount {
  /** Why, as the order system or supervisor gave it (free text, never card data). */
  reason?: string;
  requestedBy: Actor;
  at: string;
}

export interface PaymentOperationSucceededPayload extends OperationRef, OperationAmount {
  pspReference?: string;
  /** REFUND: the PSP's reference of the refund (Stripe refund id; GMO-PG TranID). */
  refundReference?: string;
  at: string;
}

export interface PaymentOperationFailedPayload extends OperationRef {
  /** e.g. `psp_rejected:charge_already_captured`, `refused`, `psp_unavailable:circuit_open`. */
  reason: string;
  message: string;
  at: string;
}

/** Payload type by event type (envelope `type` → `payload`). */
export interface PaymentEventPayloads {
  [PaymentEventTypes.requested]: PaymentRequestedPayload;
  [PaymentEventTypes.transferredToIvr]: PaymentTransferredToIvrPayload;
  [PaymentEventTypes.cardCaptured]: PaymentCardCapturedPayload;
  [PaymentEventTypes.approved]: PaymentApprovedPayload;
  [PaymentEventTypes.declined]: PaymentDeclinedPayload;
  [PaymentEventTypes.failed]: PaymentFailedPayload;
  [PaymentEventTypes.cancelled]: PaymentCancelledPayload;
  [PaymentEventTypes.expired]: PaymentExpiredPayload;
  [PaymentEventTypes.abandoned]: PaymentAbandonedPayload;
  [PaymentEventTypes.fieldRestartRequested]: PaymentFieldRestartRequestedPayload;
  [PaymentEventTypes.cancellationRequested]: PaymentCancellationRequestedPayload;
  [PaymentEventTypes.operationRequested]: PaymentOperationRequestedPayload;
  [PaymentEventTypes.operationSucceeded]: PaymentOperationSucceededPayload;
  [PaymentEventTypes.operationFailed]: PaymentOperationFailedPayload;
}
