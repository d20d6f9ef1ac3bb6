// The user agent as a UAC (dial): it calls real phones (baresip) on loopback, directly and through the
// call centre's PBX (Kamailio), with an offer that names a test RTP socket; the phone's RTP reaches it,
// hold re-INVITEs are answered, either side hangs up, and the calls that are not answered (ring out,
// busy, unknown user, nobody there) settle with the reason.
import { BaresipPhone } from '@ivr/testkit/baresip';
import { Kamailio } from '@ivr/testkit/kamailio';
import { RtpSink } from '@ivr/testkit/rtp-sink';
import { type DialOptions, type OutgoingCall, SipUserAgent } from '../src';

let ua: SipUserAgent;
let pbx: Kamailio;
const phones: BaresipPhone[] = [];
const sinks: RtpSink[] = [];

beforeAll(async () => {
  ua = new SipUserAgent({ host: '127.0.0.1', port: 0, tcp: true });
  await ua.start();
  pbx = await Kamailio.start({ ivrUri: `sip:127.0.0.1:${ua.port}` });
}, 60_000);

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await ua.stop();
  await pbx?.stop();
});

async function phone(name: string, opts: { answerMode?: 'auto' | 'manual'; proxy?: string } = {}) {
  const p = await BaresipPhone.start({
    name,
    answerMode: opts.answerMode ?? 'auto',
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
  });
  phones.push(p);
  if (opts.proxy) await p.registered();
  return p;
}

async function dial(target: string, extra: Partial<DialOptions> = {}): Promise<{ call: OutgoingCall; rtp: RtpSink }> {
  const rtp = await RtpSink.start();
  sinks.push(rtp);
  const call = ua.dial({
    target,
    media: rtp.address,
    codecs: ['PCMU', 'PCMA'],
    telephoneEventPayloadType: 101,
    ...extra,
  });
  return { call, rtp };
}

test('calls a phone directly: answered with its RTP address, its audio reaches the offered endpoint; the phone hangs up', async () => {
  const operator = await phone('op-direct');
  const { call, rtp } = await dial(operator.uri);
  const outcome = await call.outcome;
  if (!outcome.answered) throw new Error(`not answered: ${JSON.stringify(outcome)}`);
  expect(outcome.media.remote.address).toBe('127.0.0.1');
  expect(outcome.media.codec.name).toBe('PCMU');
  expect(outcome.media.direction).toBe('sendrecv');
  await operator.waitForEvent('CALL_ESTABLISHED');
  await rtp.until(() => (rtp.packetsByPayloadType.get(0) ?? 0) > 5, 10_000, "the phone's audio");

  const ended = new Promise((resolve) => call.once('ended', resolve));
  await operator.hangup();
  expect(await ended).toBe('remote-bye');
  expect(call.state).toBe('ended');
});

test('through the PBX (Kamailio, preloaded route over UDP and TCP): answered, the hold re-INVITE is answered recvonly, the IVR hangs up', async () => {
  const operator = await phone('op-pbx', { proxy: pbx.address });
  for (const transport of ['', ';transport=tcp']) {
    const since = operator.events.length;
    const { call } = await dial(operator.aor, { route: [`sip:${pbx.address};lr${transport}`] });
    const outcome = await call.outcome;
    expect(outcome.answered).toBe(true);
    await operator.waitForEvent('CALL_ESTABLISHED', { since });
    // The phone puts the IVR on hold (re-INVITE a=sendonly through the proxy), then takes it back.
    const reinvites: string[] = [];
    call.on('reinvite', (m) => reinvites.push(m.direction));
    await operator.command('hold');
    await waitFor(() => reinvites.includes('recvonly'), 'the hold re-INVITE');
    await operator.command('resume');
    await waitFor(() => reinvites.at(-1) === 'sendrecv', 'the resume re-INVITE');
    await call.hangup();
    await operator.waitForEvent('CALL_CLOSED', { since });
  }
  expect(await pbx.stat('core:rcv_requests_invite')).toBeGreaterThanOrEqual(2);
});

test('a phone that rings without answering is CANCELled at the ring timeout: no-answer', async () => {
  const operator = await phone('op-away', { answerMode: 'manual' });
  const { call } = await dial(operator.uri, { ringTimeoutMs: 1500 });
  await operator.waitForEvent('CALL_INCOMING');
  expect(await call.outcome).toMatchObject({ answered: false, failure: 'no-answer', status: 487 });
  await operator.waitForEvent('CALL_CLOSED');
});

test('cancel() while it rings: cancelled; a busy phone: busy; an unknown user: rejected 404; nobody at the address: unreachable', async () => {
  const operator = await phone('op-busy', { answerMode: 'manual' });
  const ringing = await dial(operator.uri);
  await new Promise((resolve) => ringing.call.once('ringing', resolve));
  ringing.call.cancel();
  expect(await ringing.call.outcome).toMatchObject({ answered: false, failure: 'cancelled' });

  const since = operator.events.length;
  const busy = await dial(operator.uri);
  await operator.waitForEvent('CALL_INCOMING', { since });
  await operator.hangup();
  expect(await busy.call.outcome).toMatchObject({ answered: false, failure: 'busy', status: 486 });

  const unknown = await dial(operator.uri.replace('op-busy', 'nobody'));
  expect(await unknown.call.outcome).toMatchObject({ answered: false, failure: 'rejected', status: 404 });

  const closedPort = await dial('sip:op@127.0.0.1:9;transport=tcp');
  expect(await closedPort.call.outcome).toMatchObject({ answered: false, failure: 'unreachable' });
  await waitFor(() => ua.activeCalls === 0, 'no call left');
});

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
