// The SIP user agent against real phones (baresip) on loopback: answer with an SDP that points
// at a test RTP socket, see the phone's RTP and RFC 4733 digits arrive there, hang up from both
// sides, CANCEL before answer, transfer by REFER to a second phone, drain → 503.
import { BaresipPhone } from '@ivr/testkit/baresip';
import { RtpSink } from '@ivr/testkit/rtp-sink';
import { type EndReason, type IncomingCall, SipUserAgent } from '../src';

let ua: SipUserAgent;
const phones: BaresipPhone[] = [];
const sinks: RtpSink[] = [];

beforeEach(async () => {
  ua = new SipUserAgent({ host: '127.0.0.1', port: 0, tcp: true, referTimeoutMs: 15_000 });
  await ua.start();
});

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  await ua.stop();
});

async function phone(name: string, answerMode: 'auto' | 'manual' = 'manual'): Promise<BaresipPhone> {
  const p = await BaresipPhone.start({ name, answerMode });
  phones.push(p);
  return p;
}

async function sink(): Promise<RtpSink> {
  const s = await RtpSink.start();
  sinks.push(s);
  return s;
}

function nextCall(): Promise<IncomingCall> {
  return new Promise((resolve) => ua.once('incomingCall', resolve));
}

function ended(call: IncomingCall): Promise<EndReason> {
  return new Promise((resolve) => call.once('ended', resolve));
}

async function answeredCall(caller: BaresipPhone, uri: string): Promise<{ call: IncomingCall; rtp: RtpSink }> {
  const rtp = await sink();
  const incoming = nextCall();
  await caller.dial(uri);
  const call = await incoming;
  rtp.telephoneEventPayloadType = call.codec.telephoneEvent?.payloadType ?? -1;
  await call.answer(rtp.address);
  await caller.waitForEvent('CALL_ESTABLISHED');
  return { call, rtp };
}

test('a phone calls over UDP: transfer code in the user part, RTP and RFC 4733 digits reach the answered endpoint, caller hangs up', async () => {
  const caller = await phone('caller');
  const { call, rtp } = await answeredCall(caller, `sip:TC4711@127.0.0.1:${ua.port}`);
  expect(call.user).toBe('TC4711');
  expect(call.transport).toBe('UDP');
  expect(['PCMU', 'PCMA']).toContain(call.codec.codec.name);
  expect(call.codec.telephoneEvent).toBeDefined();

  await rtp.until(() => (rtp.packetsByPayloadType.get(call.codec.codec.payloadType) ?? 0) > 5, 10_000, 'audio');
  await caller.sendDigits('0123456789*#');
  await rtp.until(() => rtp.digits.length >= 12, 15_000, 'twelve digits');
  expect(rtp.digits.join('')).toBe('0123456789*#');

  const end = ended(call);
  await caller.hangup();
  expect(await end).toBe('remote-bye');
  expect(ua.activeCalls).toBe(0);
});

test('a phone calls over TCP and the IVR hangs up: the BYE reaches the phone on the same connection', async () => {
  const caller = await phone('tcpcaller');
  const { call } = await answeredCall(caller, `sip:TC1@127.0.0.1:${ua.port};transport=tcp`);
  expect(call.transport).toBe('TCP');
  await call.hangup();
  await caller.waitForEvent('CALL_CLOSED');
  expect(call.state).toBe('ended');
});

test('the caller gives up before the answer: CANCEL ends the call as cancelled', async () => {
  const caller = await phone('impatient');
  const incoming = nextCall();
  await caller.dial(`sip:TC2@127.0.0.1:${ua.port}`);
  const call = await incoming;
  call.ringing();
  await caller.waitForEvent('CALL_RINGING');
  const end = ended(call);
  await caller.hangup();
  expect(await end).toBe('cancelled');
  await caller.waitForEvent('CALL_CLOSED');
});

test('REFER hands the caller to the operator phone, which gets called; the outcome is reported', async () => {
  const caller = await phone('payer');
  const operator = await phone('operator', 'auto');
  const { call } = await answeredCall(caller, `sip:TC3@127.0.0.1:${ua.port}`);
  const outcome = await call.refer(operator.uri);
  expect(outcome).toEqual({ outcome: 'succeeded', status: 200 });
  const incoming = await operator.waitForEvent('CALL_ESTABLISHED');
  const transfer = await caller.waitForEvent('TRANSFER');
  expect(transfer.param).toContain(operator.uri);
  // baresip keeps the original leg after a transfer: the transferor (the IVR) ends it.
  expect(call.state).toBe('confirmed');
  expect(incoming.direction).toBe('incoming');
  const closedBefore = caller.events.length;
  await call.hangup();
  const closed = await caller.waitForEvent('CALL_CLOSED', { since: closedBefore });
  expect(closed.id).toBe(transfer.id);
  expect(operator.events.some((e) => e.type === 'CALL_CLOSED')).toBe(false);
});

test('REFER to a target that does not answer is reported as failed', async () => {
  const caller = await phone('payer2');
  const operator = await phone('operator2', 'auto');
  const { call } = await answeredCall(caller, `sip:TC5@127.0.0.1:${ua.port}`);
  // A wrong account name: the operator phone answers 404.
  const outcome = await call.refer(`sip:nobody@127.0.0.1:${operator.sipPort}`);
  expect(outcome.outcome).toBe('failed');
  await call.hangup();
});

test('while draining, new calls get 503 and calls in progress carry on', async () => {
  const first = await phone('early');
  const { call } = await answeredCall(first, `sip:TC6@127.0.0.1:${ua.port}`);
  ua.drain();
  const late = await phone('late');
  await late.dial(`sip:TC7@127.0.0.1:${ua.port}`);
  const closed = await late.waitForEvent('CALL_CLOSED');
  expect(String(closed.param)).toContain('503');
  expect(ua.stats().rejectedDraining).toBe(1);
  expect(call.state).toBe('confirmed');
  const idle = ua.whenIdle();
  await first.hangup();
  await idle;
});
