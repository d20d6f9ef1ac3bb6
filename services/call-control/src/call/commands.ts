// What the dialogue asks the Call aggregate to record. The call id is the stream id; every command
// carries the data of its event (the decider adds the ids it knows from the state).
import type {
  CallAnsweredPayload,
  CallAuthorizationCompletedPayload,
  CallEndReason,
  CallMode,
  CallReturnedToOperatorPayload,
  CaptureProgressedPayload,
  DialogueStep,
  Language,
  MaskedCard,
  OperatorLegAnsweredPayload,
  OperatorLegEndedPayload,
  OperatorLegFailedPayload,
  OperatorRequestHandledPayload,
  PaymentMode,
  RegistrationDecline,
} from '@ivr/contracts';

type WithoutIds<T> = Omit<T, 'callId' | 'paymentId'>;

export type CallCommand =
  | ({ type: 'AnswerCall' } & CallAnsweredPayload)
  | {
      type: 'StartPayment';
      paymentId: string;
      transferCode: string;
      callMode: CallMode;
      orderId: string;
      language: Language;
      mode: PaymentMode;
    }
  | { type: 'EnterStep'; step: DialogueStep }
  | ({ type: 'RecordCaptureProgress' } & WithoutIds<CaptureProgressedPayload>)
  | { type: 'RecordCardCaptured'; card: MaskedCard }
  | ({ type: 'RecordAuthorization' } & WithoutIds<CallAuthorizationCompletedPayload>)
  | ({ type: 'RecordReturn' } & WithoutIds<CallReturnedToOperatorPayload>)
  | ({ type: 'RecordOperatorLegAnswered' } & WithoutIds<OperatorLegAnsweredPayload>)
  | ({ type: 'RecordOperatorLegFailed' } & WithoutIds<OperatorLegFailedPayload>)
  | ({ type: 'RecordOperatorLegEnded' } & WithoutIds<OperatorLegEndedPayload>)
  | ({ type: 'RecordOperatorRequest' } & WithoutIds<OperatorRequestHandledPayload>)
  | { type: 'EndCall'; reason: CallEndReason; sipEndReason?: string; registrationDecline?: RegistrationDecline };
