// Crash recovery, the pure part: which open calls are lost, what the projection holds for a call,
// and what ending a lost call takes.
import { type CallCommand, type CallState, decideCall, evolveCall, initialCallState } from '../src/call';
import {
  chooseLostCalls,
  type OwnedCall,
  openCallOf,
  recoveryPlan,
  sameOpenCall,
  UNKNOWN_OWNER,
} from '../src/recovery';
import { CARD } from './support/dialogue-fakes';

function replay(commands: CallCommand[]): CallState {
  let state = initialCallState();
  for (const c of commands) for (const e of decideCall(c, state)) state = evolveCall(state, e);
  return state;
}

const answer = (instanceId?: string): CallCommand => ({
  type: 'AnswerCall',
  callId: 'c1',
  sipCallId: 's1',
  transport: 'UDP',
  transferCodeSource: 'request-uri',
  ...(instanceId ? { instanceId } : {}),
});
const start: CallCommand = {
  type: 'StartPayment',
  paymentId: 'p1',
  transferCode: '123456',
  callMode: 'IVR_ONLY',
  orderId: 'o1',
  language: 'en',
  mode: 'AUTHORIZE',
};
const captured: CallCommand = { type: 'RecordCardCaptured', card: CARD };
const authorized: CallCommand = { type: 'RecordAuthorization', outcome: 'APPROVED' };
const ended: CallCommand = { type: 'EndCall', reason: 'RETURNED_TO_OPERATOR' };

const call = (over: Partial<OwnedCall>): OwnedCall => ({
  callId: 'c',
  instanceId: 'other',
  paymentId: null,
  cardCaptured: false,
  authorizationRecorded: false,
  owner: { silentMs: 0, staleAfterMs: 15_000 },
  ...over,
});

describe('choosing the lost calls', () => {
  it('takes calls whose owner has been silent longer than its lease, or has no heartbeat', () => {
    const calls = [
      call({ callId: 'fresh', owner: { silentMs: 2000, staleAfterMs: 15_000 } }),
      call({ callId: 'at-threshold', owner: { silentMs: 15_000, staleAfterMs: 15_000 } }),
      call({ callId: 'stale', owner: { silentMs: 15_001, staleAfterMs: 15_000 } }),
      call({ callId: 'no-heartbeat', instanceId: UNKNOWN_OWNER, owner: null }),
    ];
    expect(chooseLostCalls(calls, 'me').map((c) => c.callId)).toEqual(['stale', 'no-heartbeat']);
  });

  it("judges by the owner's own lease, not the sweeper's", () => {
    const calls = [
      call({ callId: 'long-lease', owner: { silentMs: 20_000, staleAfterMs: 60_000 } }),
      call({ callId: 'short-lease', owner: { silentMs: 4000, staleAfterMs: 3000 } }),
    ];
    expect(chooseLostCalls(calls, 'me').map((c) => c.callId)).toEqual(['short-lease']);
  });

  it('never takes a call of its own instance', () => {
    const calls = [call({ callId: 'mine', instanceId: 'me', owner: { silentMs: 60_000, staleAfterMs: 15_000 } })];
    expect(chooseLostCalls(calls, 'me')).toEqual([]);
  });
});

describe('the open-calls projection of a call', () => {
  it('holds the owner from CallAnswered and what recovery needs to know', () => {
    expect(openCallOf(replay([answer('i-1'), start, captured]))).toEqual({
      callId: 'c1',
      instanceId: 'i-1',
      paymentId: 'p1',
      cardCaptured: true,
      authorizationRecorded: false,
    });
  });

  it('has no row before the answer or after the end', () => {
    expect(openCallOf(initialCallState())).toBeNull();
    expect(openCallOf(replay([answer('i-1'), start, ended]))).toBeNull();
  });

  it('gives a call answered before calls had owners an owner that is never alive', () => {
    expect(openCallOf(replay([answer()]))?.instanceId).toBe(UNKNOWN_OWNER);
  });

  it('changes only with facts recovery uses (a step entered writes nothing)', () => {
    const before = replay([answer('i-1'), start]);
    const after = replay([answer('i-1'), start, { type: 'EnterStep', step: 'CARD_NUMBER' }]);
    expect(sameOpenCall(openCallOf(before), openCallOf(after))).toBe(true);
    expect(sameOpenCall(openCallOf(after), openCallOf(replay([answer('i-1'), start, captured])))).toBe(false);
    expect(sameOpenCall(null, openCallOf(before))).toBe(false);
  });
});

describe('what ending a lost call takes', () => {
  it('just ends a call without a captured card (order-link abandons the payment)', () => {
    expect(recoveryPlan(replay([answer('i-1')]))).toEqual({ kind: 'end' });
    expect(recoveryPlan(replay([answer('i-1'), start, { type: 'EnterStep', step: 'SECURITY_CODE' }]))).toEqual({
      kind: 'end',
    });
  });

  it('fences the payment of a captured card whose authorization outcome was not recorded', () => {
    expect(recoveryPlan(replay([answer('i-1'), start, captured]))).toEqual({
      kind: 'fence-then-end',
      paymentId: 'p1',
    });
  });

  it('just ends a call whose authorization outcome was recorded (the outcome reaches order-link by itself)', () => {
    expect(recoveryPlan(replay([answer('i-1'), start, captured, authorized]))).toEqual({ kind: 'end' });
  });

  it('does nothing to a call that has ended meanwhile', () => {
    expect(recoveryPlan(replay([answer('i-1'), start, captured, ended]))).toEqual({ kind: 'already-ended' });
  });
});
