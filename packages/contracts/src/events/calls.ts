import type { CallMode, DialogueStep, Language, PaymentMode } from '../vocabulary';
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
  operatorLegAnswered: 'OperatorLegAnswered',
  operatorLegFailed: 'OperatorLegFailed',
  operatorLegEnded: 'OperatorLegEnded',
  operatorRequestHandled: 'OperatorRequestHandled',
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
  /** The payment's call mode (read it with `callModeOf`: calls stored before it existed). */
  callMode: CallMode;
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
  /** Agent-assisted (or called back): caller and operator talked on through the vault until one hung up. */
  | 'OPERATOR_STAYED_ON'
  /** The dialogue finished but the REFER to the operator failed; the IVR hung up. */
  | 'RETURN_FAILED'
  | 'CALLER_HUNG_UP'
  /** The caller refused the amount read back (pressed 2, or never confirmed). */
  | 'CALLER_CANCELLED'
  /** The operator of an agent-assisted call cancelled the payment from the console. */
  | 'OPERATOR_CANCELLED'
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
  /** CARD_REJECTED by the PSP when the vault registered the card (GMO-PG's SaveCard checks it): why. */
  registrationDecline?: RegistrationDecline;
}

/** The card company's refusal at card registration: a decline reason and the PSP's own codes. */
export interface RegistrationDecline {
  /** A GatewayDeclineReason (vocabulary/decline.ts), e.g. `expired_card`. */
  reason: string;
  /** The PSP's code and detail (GMO-PG ErrCode and ErrInfo, e.g. G83 and 42G830000). */
  pspCode: string;
  pspDeclineCode: string;
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

/**
 * The caller was handed back: REFER to the return address (IVR_ONLY), BRIDGE (the operator is on the
 * call through the vault: caller and operator talk on, no transfer), or BYE (nowhere to hand back to).
 */
export interface CallReturnedToOperatorPayload {
  callId: string;
  paymentId?: string;
  method: 'REFER' | 'BRIDGE' | 'BYE';
  /** REFER only: the Refer-To URI. */
  target?: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  /** Final status the transferee reported in NOTIFY, or the REFER's error status. */
  sipStatus?: number;
  detail?: string;
}

/**
 * Why the IVR called the operator: the payment is AGENT_ASSISTED (at once, when the caller's call is
 * answered), or the hand-back by REFER was refused by the PBX and the IVR calls the operator back instead.
 */
export type OperatorLegPurpose = 'AGENT_ASSISTED' | 'CALL_BACK';

/**
 * The operator answered the IVR's call (a second SIP leg, its RTP at the vault): the vault bridges it
 * with the caller, masking keypad tones toward the operator while a card field is keyed.
 */
export interface OperatorLegAnsweredPayload {
  callId: string;
  paymentId: string;
  purpose: OperatorLegPurpose;
  /** The operator's address called (the payment's returnSipAddress). */
  target: string;
  /** SIP Call-ID of the operator's leg, to find it in PBX logs. */
  sipCallId: string;
}

export type OperatorLegFailure =
  /** Rang without an answer until the IVR gave up (or 408/480). */
  | 'NO_ANSWER'
  /** 486 / 600. */
  | 'BUSY'
  /** Any other final error: 403, 404, 603, ... (sipStatus says which). */
  | 'REJECTED'
  /** No SIP answer at all (transport error, Timer B). */
  | 'UNREACHABLE'
  /** The vault could not open the operator's media leg. */
  | 'MEDIA_UNAVAILABLE'
  /** The caller hung up while the operator's phone was ringing. */
  | 'CALLER_HUNG_UP';

/** The operator's leg could not be set up: the caller goes on with the IVR alone (and is told so). */
export interface OperatorLegFailedPayload {
  callId: string;
  paymentId: string;
  purpose: OperatorLegPurpose;
  target: string;
  reason: OperatorLegFailure;
  /** The final SIP status, when there was one. */
  sipStatus?: number;
}

export type OperatorLegEndReason =
  /** The operator hung up: the caller's call goes on (a capture in progress completes). */
  | 'OPERATOR_HUNG_UP'
  /** The caller's leg ended, so the IVR ended the operator's. */
  | 'CALLER_LEG_ENDED'
  /** The vault's media session was lost (vault restarted): both legs are ended. */
  | 'MEDIA_LOST'
  /** The vault heard no RTP from the operator's phone for a while (the path broke): the IVR ended the leg. */
  | 'NO_MEDIA'
  /** call-control stopped or lost the leg's transport. */
  | 'SHUTDOWN';

/** The operator's leg is over. */
export interface OperatorLegEndedPayload {
  callId: string;
  paymentId: string;
  reason: OperatorLegEndReason;
  /** How its SIP dialog ended (e.g. `remote-bye`, `local-hangup`), for support. */
  sipEndReason?: string;
}

/**
 * What the IVR did with an operator's request from the console (PaymentFieldRestartRequested,
 * PaymentCancellationRequested on ivr.payments.v1): DONE (the field starts again / the payment is
 * cancelled and the caller told), TOO_LATE (the card is captured already), NOTHING_TO_RESTART (no card
 * field is being keyed now).
 */
export interface OperatorRequestHandledPayload {
  callId: string;
  paymentId: string;
  request: 'RESTART_FIELD' | 'CANCEL';
  /** The payment event that asked. */
  requestEventId: string;
  outcome: 'DONE' | 'TOO_LATE' | 'NOTHING_TO_RESTART';
  /** RESTART_FIELD done: the field that starts again. */
  field?: CardField;
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
  [CallEventTypes.operatorLegAnswered]: OperatorLegAnsweredPayload;
  [CallEventTypes.operatorLegFailed]: OperatorLegFailedPayload;
  [CallEventTypes.operatorLegEnded]: OperatorLegEndedPayload;
  [CallEventTypes.operatorRequestHandled]: OperatorRequestHandledPayload;
}
