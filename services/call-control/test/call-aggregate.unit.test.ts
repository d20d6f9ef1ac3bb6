// The Call aggregate's rules: nothing before the answer, payment facts only after the code
// resolved, one card and one authorization per call, nothing after the end.
import { CallEventTypes as T } from '@ivr/contracts';
import {
  type CallCommand,
  CallCommandRejected,
  type CallState,
  decideCall,
  evolveCall,
  initialCallState,
} from '../src/call';
import { CARD } from './support/dialogue-fakes';

function replay(commands: CallCommand[]): { state: CallState; types: string[] } {
  let state = initialCallState();
  const types: string[] = [];
  for (const c of commands) {
    for (const e of decideCall(c, state)) {
      types.push(e.type);
      state = evolveCall(state, e);
    }
  }
  return { state, types };
}

const answer: CallCommand = {
  type: 'AnswerCall',
  callId: 'c1',
  sipCallId: 's1',
  transport: 'TCP',
  transferCodeSource: 'keypad',
};
const start: CallCommand = {
  type: 'StartPayment',
  paymentId: 'p1',
  transferCode: '123456',
  callMode: 'IVR_ONLY',
  orderId: 'o1',
  language: 'ja',
  mode: 'CAPTURE',
};

test('a command before the answer is refused', () => {
  expect(() => decideCall(start, initialCallState())).toThrow(CallCommandRejected);
});

test('payment facts wait for the resolved code; the same step twice is recorded once', () => {
  const { types } = replay([
    answer,
    { type: 'EnterStep', step: 'GREETING' },
    { type: 'RecordCardCaptured', card: CARD },
    start,
    start,
    { type: 'EnterStep', step: 'CARD_NUMBER' },
    { type: 'EnterStep', step: 'CARD_NUMBER' },
  ]);
  expect(types).toEqual([T.answered, T.started, T.stepEntered]);
});

test('one card and one authorization result per call; authorization only after the card', () => {
  const auth: CallCommand = { type: 'RecordAuthorization', outcome: 'APPROVED' };
  const { types } = replay([
    answer,
    start,
    auth,
    { type: 'RecordCardCaptured', card: CARD },
    { type: 'RecordCardCaptured', card: CARD },
    auth,
    auth,
  ]);
  expect(types).toEqual([T.answered, T.started, T.cardCaptured, T.authorizationCompleted]);
});

test('ended is final: later commands and a second end change nothing', () => {
  const { state, types } = replay([
    answer,
    start,
    { type: 'EndCall', reason: 'CALLER_HUNG_UP', sipEndReason: 'remote-bye' },
    { type: 'EndCall', reason: 'ERROR' },
    { type: 'EnterStep', step: 'RESULT' },
  ]);
  expect(types).toEqual([T.answered, T.started, T.ended]);
  expect(state.status).toBe('ended');
});

test('CallEnded names the payment when there is one and the SIP reason when given', () => {
  let state = initialCallState();
  for (const e of decideCall(answer, state)) state = evolveCall(state, e);
  expect(decideCall({ type: 'EndCall', reason: 'UNKNOWN_TRANSFER_CODE' }, state)).toEqual([
    { type: T.ended, data: { callId: 'c1', reason: 'UNKNOWN_TRANSFER_CODE' } },
  ]);
  for (const e of decideCall(start, state)) state = evolveCall(state, e);
  expect(decideCall({ type: 'EndCall', reason: 'CALLER_HUNG_UP', sipEndReason: 'remote-bye' }, state)).toEqual([
    { type: T.ended, data: { callId: 'c1', paymentId: 'p1', reason: 'CALLER_HUNG_UP', sipEndReason: 'remote-bye' } },
  ]);
});
