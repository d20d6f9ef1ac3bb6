import type { DialogueStep, Language, PaymentMode } from '../vocabulary';
import type { MaskedCard } from './card';

/**
 * Call aggregate events on `ivr.calls.v1` (producer: call-control; key = call id, aggregateType `Call`).
 * This is the subset order-link and notification consume; call-control may publish more types, which
 * consumers ignore. An event carries `paymentId` once the transfer code has been resolved.
 */
export const CallEventTypes = {
  answered: 'CallAnswered',
  started: 'CallStarted',
  stepEntered: 'CallStepEntered',
  captureProgressed: 'CaptureProgressed',
  cardCaptured: 'CardCaptured',
  authorizationCompleted: 'CallAuthorizationCompleted',
  returnedToOperator: 'CallReturnedToOperator',
  ended: 'CallEnded',
} as const;

export type CallEventType = (typeof CallEventTypes)[keyof typeof CallEventTypes];

/**
 * The IVR answered a call (SDP answer pointing at the vault). Comes before CallStarted, which needs
 * the transfer code resolved; a call whose code is unknown has CallAnswered and CallEnded only.
 */
export interface CallAnsweredPayload {
  callId: string;
  /** SIP Call-ID of the IVR leg, to find the call in PBX and SBC logs. */
  sipCallId: string;
  transport: 'UDP' | 'TCP' | 'TLS';
  /** As received (Request-URI user part or header); absent when the caller is asked for it. */
  transferCode?: string;
  transferCodeSource: 'request-uri' | 'header' | 'keypad';
  /**
   * The call-control process that answered and owns the call. When its heartbeat goes stale (it
   * crashed), another instance ends the call with `CALL_LOST`. Absent on calls from before recovery.
   */
  instanceId?: string;
}

/** The IVR has answered a transferred call and resolved its transfer code to a payment. */
export interface CallStartedPayload {
  callId: string;
  paymentId: string;
  transferCode: string;
  /** true when the operator stayed on the line (three-way); false for a blind transfer. */
  threeWay: boolean;
  orderId?: string;
  language?: Language;
  mode?: PaymentMode;
}

/** The dialogue moved to a new step (for the operator's live view). */
export interface CallStepEnteredPayload {
  callId: string;
  paymentId: string;
  step: DialogueStep;
}

export type CardField = 'CARD_NUMBER' | 'EXPIRY' | 'SECURITY_CODE';

/**
 * The vault's masked progress of one card field, relayed by call-control: counts and verdicts only,
 * never a digit.
 */
export interface CaptureProgressedPayload {
  callId: string;
  paymentId: string;
  field: CardField;
  digitsEntered: number;
  /** Detected brand once the leading digits tell it (card number only). */
  brand?: string;
  /** `null` while the field is still being entered. */
  valid: boolean | null;
  /** Why the field was rejected, e.g. `LUHN`, `EXPIRED`, `LENGTH`, `TIMEOUT`. */
  invalidReason?: string;
  attemptsLeft: number;
}

/** All card fields were valid and the vault tokenized the card at the PSP. */
export interface CardCapturedPayload {
  callId: string;
  paymentId: string;
  card: MaskedCard;
}

export type CallEndReason =
  | 'RETURNED_TO_OPERATOR'
  | 'OPERATOR_STAYED_ON'
  /** The dialogue finished but the REFER to the operator failed; the IVR hung up. */
  | 'RETURN_FAILED'
  | 'CALLER_HUNG_UP'
  /** The caller refused the amount read back (pressed 2, or never confirmed). */
  | 'CALLER_CANCELLED'
  | 'CAPTURE_FAILED'
  /** The PSP refused the card when the vault registered it. */
  | 'CARD_REJECTED'
  | 'UNKNOWN_TRANSFER_CODE'
  /** The media session was lost (vault restarted or unreachable): nothing was charged. */
  | 'VAULT_UNAVAILABLE'
  /** The PSP could not register the card (down or timed out). */
  | 'PSP_UNAVAILABLE'
  /** order-link or authorization could not be reached. */
  | 'SERVICE_UNAVAILABLE'
  /** call-control was stopped before the call could finish. */
  | 'SHUTDOWN'
  /**
   * The call-control instance running the call stopped without ending it (crash, kill -9, lost node);
   * another instance found its heartbeat stale and ended the call. A captured card's payment was
   * fenced at the authorization service first, so it still reaches an outcome.
   */
  | 'CALL_LOST'
  | 'ERROR';

/** The IVR leg is over. A payment whose call ends before a card was captured is abandoned. */
export interface CallEndedPayload {
  callId: string;
  /** Absent when the transfer code was never resolved. */
  paymentId?: string;
  reason: CallEndReason;
  /** How the SIP leg ended (e.g. `remote-bye`, `local-hangup`), for support. */
  sipEndReason?: string;
}

/** What call-control learned from the authorization service (which records its own events). */
export interface CallAuthorizationCompletedPayload {
  callId: string;
  paymentId: string;
  outcome: 'APPROVED' | 'CAPTURED' | 'REGISTERED' | 'DECLINED' | 'FAILED' | 'PENDING';
  /** DECLINED: normalized reason, e.g. INSUFFICIENT_FUNDS. */
  declineReason?: string;
  /** FAILED: e.g. psp_unavailable. */
  failureCode?: string;
  pspReference?: string;
}

/** The caller was handed back: REFER to the return address (blind) or BYE (operator stayed on). */
export interface CallReturnedToOperatorPayload {
  callId: string;
  paymentId?: string;
  method: 'REFER' | 'BYE';
  /** REFER only: the Refer-To URI. */
  target?: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  /** Final status the transferee reported in NOTIFY, or the REFER's error status. */
  sipStatus?: number;
  detail?: string;
}

/** Payload type by event type (envelope `type` → `payload`). */
export interface CallEventPayloads {
  [CallEventTypes.answered]: CallAnsweredPayload;
  [CallEventTypes.started]: CallStartedPayload;
  [CallEventTypes.stepEntered]: CallStepEnteredPayload;
  [CallEventTypes.captureProgressed]: CaptureProgressedPayload;
  [CallEventTypes.cardCaptured]: CardCapturedPayload;
  [CallEventTypes.authorizationCompleted]: CallAuthorizationCompletedPayload;
  [CallEventTypes.returnedToOperator]: CallReturnedToOperatorPayload;
  [CallEventTypes.ended]: CallEndedPayload;
}
