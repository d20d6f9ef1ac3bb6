// The operator's leg against a fake vault bridge and a fake SIP dialer: what it asks the vault, what it
// records on the Call, and how each side's end, hold and failure is followed.
import { EventEmitter } from 'node:events';
import { CallEventTypes as T } from '@ivr/contracts';
import type { DialOptions, DialOutcome, OutgoingCall } from '@ivr/sip';
import { OperatorLeg } from '../src/app/operator-leg';
import type { BridgePort, SessionEvent } from '../src/app/ports';
import { RecordingCall } from './support/dialogue-fakes';

class FakeOutgoing extends EventEmitter {
  readonly callId = 'op-sip-1';
  hangups = 0;
  cancels = 0;
  settle!: (o: DialOutcome) => void;
  readonly outcome = new Promise<DialOutcome>((resolve) => {
    this.settle = resolve;
  });
  constructor(readonly options: DialOptions) {
    super();
  }
  cancel(): void {
    this.cancels++;
    this.settle({ answered: false, failure: 'cancelled', status: 487 });
  }
  async hangup(): Promise<void> {
    this.hangups++;
  }
  answer(direction: 'sendrecv' | 'recvonly' = 'sendrecv'): void {
    this.settle({
      answered: true,
      media: {
        codec: { name: 'PCMA', payloadType: 8 },
        telephoneEvent: { payloadType: 101 },
        ptime: 20,
        remote: { address: '127.0.0.1', port: 31_000 },
        direction,
      },
    });
  }
}

class FakeBridge implements BridgePort {
  readonly calls: string[] = [];
  openFails = false;
  private watcher: ((e: SessionEvent) => void) | undefined;
  async openOperatorLeg() {
    this.calls.push('open');
    if (this.openFails) throw new Error('UNAVAILABLE');
    return {
      address: '127.0.0.1',
      port: 40_002,
      codecs: ['PCMU' as const, 'PCMA' as const],
      telephoneEventPayloadType: 101,
    };
  }
  async setLegRemote(_s: string, leg: string, remote: { port: number }, codec?: { name: string }) {
    this.calls.push(`remote ${leg} ${remote.port}${codec ? ` ${codec.name}` : ''}`);
  }
  async setLegDirection(_s: string, leg: string, direction: string) {
    this.calls.push(`direction ${leg} ${direction}`);
  }
  async closeOperatorLeg() {
    this.calls.push('close');
  }
  watch(_s: string, onEvent: (e: SessionEvent) => void) {
    this.watcher = onEvent;
  }
  tell(e: SessionEvent) {
    this.watcher?.(e);
  }
}

function setup() {
  const bridge = new FakeBridge();
  const placed: FakeOutgoing[] = [];
  const call = new RecordingCall();
  call.record({
    type: 'StartPayment',
    paymentId: 'pay-1',
    transferCode: '123456',
    callMode: 'AGENT_ASSISTED',
    orderId: 'o-1',
    language: 'en',
    mode: 'CAPTURE',
  });
  const leg = new OperatorLeg(
    {
      bridge,
      dialer: {
        dial: (o) => {
          const c = new FakeOutgoing(o);
          placed.push(c);
          return c as unknown as OutgoingCall;
        },
      },
      record: call.record,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      route: ['sip:127.0.0.1:55060;lr'],
      ringTimeoutMs: 20_000,
    },
    { callId: 'call-1', sessionId: 'media-1' },
  );
  return { bridge, placed, call, leg };
}

const settle = () => new Promise((r) => setImmediate(r));
const TARGET = 'sip:operator@127.0.0.1:55060';

test('assist: opens the vault leg, offers it to the operator through the PBX, bridges the answer and records it', async () => {
  const { bridge, placed, call, leg } = setup();
  leg.assist(TARGET);
  await settle();
  expect(placed[0]?.options).toMatchObject({
    target: TARGET,
    media: { address: '127.0.0.1', port: 40_002 },
    codecs: ['PCMU', 'PCMA'],
    telephoneEventPayloadType: 101,
    route: ['sip:127.0.0.1:55060;lr'],
    ringTimeoutMs: 20_000,
  });
  expect(leg.bridged).toBe(false);
  placed[0]?.answer();
  await settle();
  expect(leg.bridged).toBe(true);
  expect(bridge.calls).toEqual(['open', 'remote operator 31000 PCMA']);
  expect(call.last(T.operatorLegAnswered)).toEqual({
    callId: 'call-1',
    paymentId: 'pay-1',
    purpose: 'AGENT_ASSISTED',
    target: TARGET,
    sipCallId: 'op-sip-1',
  });
  expect(leg.takeNotice()).toBeUndefined();
});

test('busy, unanswered, refused or unreachable: the vault leg is closed, the failure recorded with its reason, the caller told once', async () => {
  for (const [failure, status, reason] of [
    ['busy', 486, 'BUSY'],
    ['no-answer', 487, 'NO_ANSWER'],
    ['rejected', 404, 'REJECTED'],
    ['unreachable', undefined, 'UNREACHABLE'],
  ] as const) {
    const { bridge, placed, call, leg } = setup();
    leg.assist(TARGET);
    await settle();
    placed[0]?.settle({ answered: false, failure, ...(status ? { status } : {}) });
    await settle();
    expect(bridge.calls).toEqual(['open', 'close']);
    expect(call.last(T.operatorLegFailed)).toMatchObject({
      purpose: 'AGENT_ASSISTED',
      reason,
      ...(status ? { sipStatus: status } : {}),
    });
    expect(leg.takeNotice()).toBe('could-not-join');
    expect(leg.takeNotice()).toBeUndefined();
    expect(leg.bridged).toBe(false);
  }
});

test('the vault cannot open the leg: no call is placed, MEDIA_UNAVAILABLE', async () => {
  const { bridge, placed, call, leg } = setup();
  bridge.openFails = true;
  leg.assist(TARGET);
  await settle();
  expect(placed).toHaveLength(0);
  expect(call.last(T.operatorLegFailed)).toMatchObject({ reason: 'MEDIA_UNAVAILABLE' });
});

test('the caller hangs up while the operator rings: CANCEL, recorded CALLER_HUNG_UP, nobody told', async () => {
  const { placed, call, leg } = setup();
  leg.assist(TARGET);
  await settle();
  await leg.end('CALLER_LEG_ENDED');
  expect(placed[0]?.cancels).toBe(1);
  expect(call.last(T.operatorLegFailed)).toMatchObject({ reason: 'CALLER_HUNG_UP' });
  expect(leg.takeNotice()).toBeUndefined();
});

test('the operator hangs up: the vault leg closes, OPERATOR_HUNG_UP; the talk-on answers operator-hung-up', async () => {
  const { bridge, placed, call, leg } = setup();
  leg.assist(TARGET);
  await settle();
  placed[0]?.answer();
  await settle();
  const talk = leg.talkOn(new AbortController().signal);
  placed[0]?.emit('ended', 'remote-bye');
  expect(await talk).toBe('operator-hung-up');
  expect(bridge.calls.at(-1)).toBe('close');
  expect(call.last(T.operatorLegEnded)).toMatchObject({ reason: 'OPERATOR_HUNG_UP', sipEndReason: 'remote-bye' });
  expect(leg.bridged).toBe(false);
  // After the result they talk on: the operator's BYE is the call's normal end, nobody is told.
  expect(leg.takeNotice()).toBeUndefined();
});

test('the operator hangs up or its leg falls silent mid-capture (before the talk-on): the vault leg closes, the caller is told once that the operator left', async () => {
  for (const end of ['bye', 'silent'] as const) {
    const { bridge, placed, call, leg } = setup();
    leg.assist(TARGET);
    await settle();
    placed[0]?.answer();
    await settle();
    if (end === 'bye') placed[0]?.emit('ended', 'remote-bye');
    else bridge.tell({ type: 'operator-leg-silent' });
    await settle();
    expect(leg.bridged).toBe(false);
    expect(call.last(T.operatorLegEnded)).toMatchObject({ reason: end === 'bye' ? 'OPERATOR_HUNG_UP' : 'NO_MEDIA' });
    if (end === 'bye') expect(bridge.calls.at(-1)).toBe('close');
    expect(leg.takeNotice()).toBe('left');
    expect(leg.takeNotice()).toBeUndefined();
  }
});

test('the caller hangs up during the talk-on: BYE to the operator, CALLER_LEG_ENDED', async () => {
  const { placed, call, leg } = setup();
  leg.assist(TARGET);
  await settle();
  placed[0]?.answer();
  await settle();
  const caller = new AbortController();
  const talk = leg.talkOn(caller.signal);
  caller.abort();
  expect(await talk).toBe('caller-hung-up');
  expect(placed[0]?.hangups).toBe(1);
  expect(call.last(T.operatorLegEnded)).toMatchObject({ reason: 'CALLER_LEG_ENDED' });
});

test("hold: the operator's re-INVITE moves and holds its leg in the vault; the caller's too", async () => {
  const { bridge, placed, leg } = setup();
  leg.assist(TARGET);
  await settle();
  placed[0]?.answer();
  await settle();
  placed[0]?.emit('reinvite', {
    codec: { name: 'PCMA', payloadType: 8 },
    telephoneEvent: undefined,
    remote: { address: '127.0.0.1', port: 31_002 },
    direction: 'recvonly',
  });
  await settle();
  await leg.followReinvite('caller', { address: '127.0.0.1', port: 4002 }, 'inactive');
  expect(bridge.calls.slice(2)).toEqual([
    'remote operator 31002 PCMA',
    'direction operator recvonly',
    'remote caller 4002',
    'direction caller inactive',
  ]);
});

test('the vault loses the session (restart): BYE to the operator, MEDIA_LOST; a silent operator leg: NO_MEDIA', async () => {
  for (const [event, reason, end] of [
    [{ type: 'lost' }, 'MEDIA_LOST', 'media-lost'],
    [{ type: 'operator-leg-silent' }, 'NO_MEDIA', 'operator-hung-up'],
  ] as const) {
    const { bridge, placed, call, leg } = setup();
    leg.assist(TARGET);
    await settle();
    placed[0]?.answer();
    await settle();
    const talk = leg.talkOn(new AbortController().signal);
    bridge.tell(event);
    expect(await talk).toBe(end);
    expect(placed[0]?.hangups).toBe(1);
    expect(call.last(T.operatorLegEnded)).toMatchObject({ reason });
  }
});

test('call-back: placed on demand, CALL_BACK purpose, nobody told when it fails', async () => {
  const { placed, call, leg } = setup();
  const bridged = leg.callBack(TARGET, new AbortController().signal);
  await settle();
  placed[0]?.settle({ answered: false, failure: 'busy', status: 486 });
  expect(await bridged).toBe(false);
  expect(call.last(T.operatorLegFailed)).toMatchObject({ purpose: 'CALL_BACK', reason: 'BUSY' });
  expect(leg.takeNotice()).toBeUndefined();
});
