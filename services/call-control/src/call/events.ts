// The Call aggregate's events: exactly the payload types of `ivr.calls.v1` in @ivr/contracts, so
// what is stored is what consumers read. None of them can hold a card digit: a card appears only
// as MaskedCard (PSP token, brand, BIN6, last 4, expiry), capture progress only as counts.
import type {
  CallAnsweredPayload,
  CallAuthorizationCompletedPayload,
  CallEndedPayload,
  CallReturnedToOperatorPayload,
  CallStartedPayload,
  CallStepEnteredPayload,
  CaptureProgressedPayload,
  CardCapturedPayload,
  OperatorLegAnsweredPayload,
  OperatorLegEndedPayload,
  OperatorLegFailedPayload,
  OperatorRequestHandledPayload,
  CallEventTypes as T,
} from '@ivr/contracts';

export type CallEvent =
  | { type: typeof T.answered; data: CallAnsweredPayload }
  | { type: typeof T.started; data: CallStartedPayload }
  | { type: typeof T.stepEntered; data: CallStepEnteredPayload }
  | { type: typeof T.captureProgressed; data: CaptureProgressedPayload }
  | { type: typeof T.cardCaptured; data: CardCapturedPayload }
  | { type: typeof T.authorizationCompleted; data: CallAuthorizationCompletedPayload }
  | { type: typeof T.returnedToOperator; data: CallReturnedToOperatorPayload }
  | { type: typeof T.ended; data: CallEndedPayload }
  | { type: typeof T.operatorLegAnswered; data: OperatorLegAnsweredPayload }
  | { type: typeof T.operatorLegFailed; data: OperatorLegFailedPayload }
  | { type: typeof T.operatorLegEnded; data: OperatorLegEndedPayload }
  | { type: typeof T.operatorRequestHandled; data: OperatorRequestHandledPayload };

/** Aggregate type in the event store and the envelope. */
export const CALL_STREAM_TYPE = 'Call';
