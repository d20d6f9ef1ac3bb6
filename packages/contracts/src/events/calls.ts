import type { MaskedCard } from './card';

/**
 * Call aggregate events on `ivr.calls.v1` (producer: call-control; key = call id, aggregateType `Call`).
 * This is the subset order-link and notification consume; call-control may publish more types, which
 * consumers ignore. An event carries `paymentId` once the transfer code has been resolved.
 */
export const CallEventTypes = {
  started: 'CallStarted',
  stepEntered: 'CallStepEntered',
  captureProgressed: 'CaptureProgressed',
  cardCaptured: 'CardCaptured',
  ended: 'CallEnded',
} as const;

/** The IVR has answered a transferred call and resolved its transfer code to a payment. */
export interface CallStartedPayload {
  callId: string;
  paymentId: string;
  transferCode: string;
  /** true when the operator stayed on the line (three-way); false for a blind transfer. */
  threeWay: boolean;
}

export type DialogueStep =
  | 'GREETING'
  | 'AMOUNT_CONFIRMATION'
  | 'CARD_NUMBER'
  | 'EXPIRY'
  | 'SECURITY_CODE'
  | 'REGISTERING'
  | 'AUTHORIZING'
  | 'RESULT'
  | 'RETURNING_TO_OPERATOR';

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
  | 'CALLER_HUNG_UP'
  | 'CAPTURE_FAILED'
  | 'UNKNOWN_TRANSFER_CODE'
  | 'ERROR';

/** The IVR leg is over. A payment whose call ends before a card was captured is abandoned. */
export interface CallEndedPayload {
  callId: string;
  /** Absent when the transfer code was never resolved. */
  paymentId?: string;
  reason: CallEndReason;
}

/** Payload type by event type (envelope `type` → `payload`). */
export interface CallEventPayloads {
  [CallEventTypes.started]: CallStartedPayload;
  [CallEventTypes.stepEntered]: CallStepEnteredPayload;
  [CallEventTypes.captureProgressed]: CaptureProgressedPayload;
  [CallEventTypes.cardCaptured]: CardCapturedPayload;
  [CallEventTypes.ended]: CallEndedPayload;
}
