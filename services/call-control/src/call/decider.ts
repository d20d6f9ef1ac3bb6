// The Call aggregate: pure decide/evolve. One writer per call (the dialogue of that call), so the
// rules here are about order and repetition: nothing before the answer, payment facts only once
// the transfer code resolved, nothing after the end (late or repeated commands change nothing).
import { CallEventTypes as T } from '@ivr/contracts';
import type { Decider } from '@ivr/eventstore';
import type { CallCommand } from './commands';
import type { CallEvent } from './events';

export interface CallState {
  status: 'new' | 'answered' | 'ended';
  callId?: string;
  /** The call-control instance that answered the call (its owner, for crash recovery). */
  ownerInstanceId?: string;
  paymentId?: string;
  step?: string;
  cardCaptured: boolean;
  authorized: boolean;
}

export class CallCommandRejected extends Error {}

export const initialCallState = (): CallState => ({ status: 'new', cardCaptured: false, authorized: false });

export function decideCall(command: CallCommand, state: CallState): CallEvent[] {
  if (command.type === 'AnswerCall') {
    if (state.status !== 'new') return [];
    const { type: _type, ...data } = command;
    return [{ type: T.answered, data }];
  }
  if (state.status === 'new' || !state.callId)
    throw new CallCommandRejected(`${command.type} before the call was answered`);
  if (state.status === 'ended') return [];
  const callId = state.callId;
  const paymentId = state.paymentId;

  switch (command.type) {
    case 'StartPayment': {
      if (paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.started, data: { callId, ...rest } }];
    }
    case 'EnterStep':
      if (!paymentId || state.step === command.step) return [];
      return [{ type: T.stepEntered, data: { callId, paymentId, step: command.step } }];
    case 'RecordCaptureProgress': {
      if (!paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.captureProgressed, data: { callId, paymentId, ...rest } }];
    }
    case 'RecordCardCaptured':
      if (!paymentId || state.cardCaptured) return [];
      return [{ type: T.cardCaptured, data: { callId, paymentId, card: command.card } }];
    case 'RecordAuthorization': {
      if (!paymentId || !state.cardCaptured || state.authorized) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.authorizationCompleted, data: { callId, paymentId, ...rest } }];
    }
    case 'RecordReturn': {
      const { type: _type, ...rest } = command;
      return [{ type: T.returnedToOperator, data: { callId, ...(paymentId ? { paymentId } : {}), ...rest } }];
    }
    case 'RecordOperatorLegAnswered': {
      if (!paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.operatorLegAnswered, data: { callId, paymentId, ...rest } }];
    }
    case 'RecordOperatorLegFailed': {
      if (!paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.operatorLegFailed, data: { callId, paymentId, ...rest } }];
    }
    case 'RecordOperatorLegEnded': {
      if (!paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.operatorLegEnded, data: { callId, paymentId, ...rest } }];
    }
    case 'RecordOperatorRequest': {
      if (!paymentId) return [];
      const { type: _type, ...rest } = command;
      return [{ type: T.operatorRequestHandled, data: { callId, paymentId, ...rest } }];
    }
    case 'EndCall':
      return [
        {
          type: T.ended,
          data: {
            callId,
            ...(paymentId ? { paymentId } : {}),
            reason: command.reason,
            ...(command.sipEndReason ? { sipEndReason: command.sipEndReason } : {}),
            ...(command.registrationDecline ? { registrationDecline: command.registrationDecline } : {}),
          },
        },
      ];
  }
}

export function evolveCall(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case T.answered:
      return {
        ...state,
        status: 'answered',
        callId: event.data.callId,
        ...(event.data.instanceId ? { ownerInstanceId: event.data.instanceId } : {}),
      };
    case T.started:
      return { ...state, paymentId: event.data.paymentId };
    case T.stepEntered:
      return { ...state, step: event.data.step };
    case T.cardCaptured:
      return { ...state, cardCaptured: true };
    case T.authorizationCompleted:
      return { ...state, authorized: true };
    case T.ended:
      return { ...state, status: 'ended' };
    default:
      return state;
  }
}

export const callDecider: Decider<CallCommand, CallEvent, CallState> = {
  initialState: initialCallState,
  decide: decideCall,
  evolve: evolveCall,
};
