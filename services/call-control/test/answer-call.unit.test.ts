// answerCall with fake ports and fake SIP calls: the vault's media session is opened only once the
// INVITE's code resolved to a payment, or for a bounded number of calls without one (the caller keys
// the code, or hears that it is unknown); past that bound a call gets 503 with Retry-After, is counted,
// and no vault session is opened: an INVITE flood without valid codes cannot take the vault's sessions.
import { EventEmitter } from 'node:events';
import type { IncomingCall } from '@ivr/sip';
import { type AnswerCallDeps, answerCall, UnresolvedCalls } from '../src/app/answer-call';
import { type MediaOffer, MediaRefused } from '../src/app/ports';
import { fakes, keyed } from './support/dialogue-fakes';

/** The part of an IncomingCall answerCall uses; `answer` resolves when the test lets the ACK in. */
class FakeCall extends EventEmitter {
  rejected: { status: number; reason?: string; headers: Array<{ name: string; value: string }> } | undefined;
  private acked: (() => void) | undefined;
  readonly codec = { codec: { name: 'PCMU' }, telephoneEvent: undefined, remote: { address: '127.0.0.1', port: 4000 } };
  readonly callId = `sip-${Math.random()}`;
  readonly transport = 'UDP';
  readonly dialog = { routeSet: [] };
  /** What answer() was given (the vault's endpoint, RTP/SAVP and its a=crypto line for SRTP). */
  answeredWith: unknown;
  constructor(
    readonly user: string | undefined,
    private crypto: string[] = [],
  ) {
    super();
  }
  header(): undefined {
    return undefined;
  }
  ringing(): void {}
  takeOfferedCrypto(): string[] {
    const taken = this.crypto;
    this.crypto = [];
    return taken;
  }
  /** Resolves on ack(); rejects when the call ends first (as IncomingCall does). */
  answer(media: unknown): Promise<void> {
    this.answeredWith = media;
    return new Promise((resolve, reject) => {
      this.acked = resolve;
      this.once('ended', () => reject(new Error('ended before ACK')));
    });
  }
  ack(): void {
    this.acked?.();
  }
  reject(status: number, reason?: string, headers: Array<{ name: string; value: string }> = []): void {
    this.rejected = { status, ...(reason ? { reason } : {}), headers };
    this.emit('ended', 'rejected');
  }
  refer = async () => ({ outcome: 'succeeded' as const, status: 200 });
  hangup = async () => {
    this.emit('ended', 'local-hangup');
  };
}

function setup(maxUnresolved: number, answerCrypto?: (offer: MediaOffer) => string) {
  const f = fakes();
  const opened: string[] = [];
  const offers: MediaOffer[] = [];
  const refused: string[] = [];
  let n = 0;
  const vault = Object.assign(f.vault, {
    open: async (offer: MediaOffer) => {
      offers.push(offer);
      const crypto = offer.crypto.length && answerCrypto ? answerCrypto(offer) : undefined;
      opened.push(offer.callId);
      return {
        sessionId: `s-${offer.callId}`,
        address: '127.0.0.1',
        port: 40_000,
        ...(crypto ? { answerCrypto: crypto } : {}),
      };
    },
  });
  const deps: AnswerCallDeps = {
    ...f.deps,
    vault,
    transferCode: { pattern: /^[0-9]{6}$/ },
    newCallId: () => `call-${++n}`,
    instanceId: 'i-1',
    recorder: () => ({ record: () => {}, flush: async () => true }),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    unresolved: new UnresolvedCalls(maxUnresolved, 9),
    refused: (reason) => refused.push(reason),
    bridge: {
      openOperatorLeg: async () => ({
        address: '127.0.0.1',
        port: 40_002,
        codecs: ['PCMU'],
        telephoneEventPayloadType: 101,
      }),
      setLegRemote: async () => {},
      setLegDirection: async () => {},
      closeOperatorLeg: async () => {},
      watch: () => {},
    },
    dialer: {
      dial: () => {
        throw new Error('no operator calls in these tests');
      },
    },
    operatorCalls: { ringTimeoutMs: 20_000 },
  };
  return { ...f, deps, opened, offers, refused };
}

const place = (deps: AnswerCallDeps, call: FakeCall) => answerCall(call as unknown as IncomingCall, deps);
const settle = () => new Promise((r) => setImmediate(r));

test('calls without a payment beyond the bound get 503 + Retry-After and no vault session; paying calls still get one', async () => {
  const { deps, opened, refused, payments } = setup(2);
  payments.resolution = { kind: 'not-found' };
  // A flood: INVITEs with unknown codes and without any code, none of them ever acknowledged.
  const flood = [new FakeCall('999999'), new FakeCall('ivr'), new FakeCall('123123'), new FakeCall(undefined)];
  const running = flood.map((c) => place(deps, c));
  await settle();
  expect(opened).toHaveLength(2);
  const busy = flood.filter((c) => c.rejected);
  expect(busy.map((c) => c.rejected?.status)).toEqual([503, 503]);
  expect(busy[0]?.rejected?.headers).toEqual([{ name: 'Retry-After', value: '9' }]);
  expect(refused).toEqual(['unresolved-calls', 'unresolved-calls']);

  // A call whose code resolves does not count against that bound.
  const { PAYMENT } = await import('./support/dialogue-fakes');
  payments.resolution = { kind: 'found', payment: PAYMENT };
  const paying = new FakeCall('424242');
  void place(deps, paying);
  await settle();
  expect(paying.rejected).toBeUndefined();
  expect(opened).toHaveLength(3);

  // The unresolved calls end (CANCEL before the ACK): their places are free again.
  for (const c of flood.filter((c) => !c.rejected)) c.emit('ended', 'cancelled');
  await Promise.all(running);
  expect(deps.unresolved.current).toBe(0);
});

test('a keyed-code call holds its place until it ends', async () => {
  const { deps, vault, opened } = setup(1);
  vault.script('digits', keyed('123456'));
  const call = new FakeCall('ivr');
  const done = place(deps, call);
  await settle();
  expect(opened).toHaveLength(1);
  expect(deps.unresolved.current).toBe(1);
  call.ack();
  await done;
  expect(deps.unresolved.current).toBe(0);
});

test('the operator leg goes through the configured outbound proxy, else the PBX that record-routed the caller', async () => {
  const { outboundRoute } = await import('../src/app/answer-call');
  const via = (routeSet: string[]) => ({ dialog: { routeSet } }) as unknown as IncomingCall;
  expect(outboundRoute(via(['<sip:10.0.0.5;lr>']), 'sip:pbx.example.com:5060;lr')).toEqual([
    'sip:pbx.example.com:5060;lr',
  ]);
  expect(outboundRoute(via(['<sip:127.0.0.1:55060;lr;ftag=abc>', '<sip:10.9.9.9;lr>']), undefined)).toEqual([
    'sip:127.0.0.1:55060;lr',
  ]);
  expect(outboundRoute(via(['<sip:10.0.0.5:5060;transport=tcp;r2=on;lr>']), undefined)).toEqual([
    'sip:10.0.0.5:5060;lr;transport=tcp',
  ]);
  expect(outboundRoute(via([]), undefined)).toEqual([]);
});

describe('SRTP', () => {
  const offered = ['1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz'];

  test('the offer’s a=crypto lines go to the vault once; the answer is RTP/SAVP with the vault’s line', async () => {
    const { deps, offers, payments } = setup(1, () => '1 AES_CM_128_HMAC_SHA1_80 inline:vault-key');
    const { PAYMENT } = await import('./support/dialogue-fakes');
    payments.resolution = { kind: 'found', payment: PAYMENT };
    const call = new FakeCall('424242', offered);
    void place(deps, call);
    await settle();
    expect(offers[0]?.crypto).toEqual(offered);
    expect(call.takeOfferedCrypto()).toEqual([]); // taken: the call keeps no key
    expect(call.answeredWith).toEqual({
      address: '127.0.0.1',
      port: 40_000,
      proto: 'RTP/SAVP',
      attributes: ['crypto:1 AES_CM_128_HMAC_SHA1_80 inline:vault-key'],
    });
    call.emit('ended', 'cancelled');
  });

  test('a vault that can honour none of the lines: 488, counted, no answer', async () => {
    const { deps, refused, payments } = setup(1);
    const { PAYMENT } = await import('./support/dialogue-fakes');
    payments.resolution = { kind: 'found', payment: PAYMENT };
    deps.vault.open = async () => {
      throw new MediaRefused('no usable a=crypto attribute (1 AES_CM_128_HMAC_SHA1_80: mki_unsupported)');
    };
    const call = new FakeCall('424242', offered);
    await place(deps, call);
    expect(call.rejected?.status).toBe(488);
    expect(call.answeredWith).toBeUndefined();
    expect(refused).toEqual(['srtp-crypto-refused']);
  });
});
