// Who may call, against hand-written datagrams over real UDP: a source outside the trusted list gets
// 403 and no call, a source over its cap of concurrent calls 503 with Retry-After, and with digest on
// an INVITE without credentials is challenged (SHA-256 preferred, MD5 too), answered with good
// credentials, refused 403 with bad ones. Every refusal is counted by reason.

import { BaresipPhone } from '@ivr/testkit/baresip';
import {
  digestResponse,
  type IncomingCall,
  parseDigestCredentials,
  SipUserAgent,
  type SipUserAgentOptions,
} from '../src';
import { header, headerValues } from '../src/message';
import { RawClient } from './raw-client';

let ua: SipUserAgent;
const clients: RawClient[] = [];
const calls: IncomingCall[] = [];

async function startUa(extra: Partial<SipUserAgentOptions>): Promise<void> {
  ua = new SipUserAgent({ host: '127.0.0.1', port: 0, tcp: false, ...extra });
  ua.on('incomingCall', (call) => calls.push(call));
  await ua.start();
}

async function client(address = '127.0.0.1'): Promise<RawClient> {
  const c = await RawClient.open(() => ua.port, address);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.close();
  calls.splice(0);
  await ua.stop();
});

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';

function invite(from: RawClient, callId: string, opts: { cseq?: number; authorization?: string } = {}): string {
  const cseq = opts.cseq ?? 1;
  const source = `${from.socket.address().address}:${from.port}`;
  return [
    `INVITE sip:123456@127.0.0.1:${ua.port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${source};branch=z9hG4bK${callId}${cseq};rport`,
    'Max-Forwards: 70',
    `From: <sip:sbc@${source}>;tag=sbc`,
    `To: <sip:123456@127.0.0.1>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} INVITE`,
    `Contact: <sip:sbc@${source}>`,
    ...(opts.authorization ? [`Authorization: ${opts.authorization}`] : []),
    'Content-Type: application/sdp',
    `Content-Length: ${SDP.length}`,
    '',
    SDP,
  ].join('\r\n');
}

test('a source outside the trusted list gets 403 and no call; a trusted one is offered the call', async () => {
  await startUa({ trustedSources: ['127.0.0.1/32', '10.0.0.0/8'] });
  const stranger = await client('127.0.0.2');
  stranger.send(invite(stranger, 'untrusted-1'));
  const refused = await stranger.response(403, 'untrusted-1');
  expect(refused.reason).toMatch(/untrusted source/);
  const sbc = await client();
  sbc.send(invite(sbc, 'trusted-1'));
  await sbc.until(() => calls.length === 1, 'the trusted call');
  expect(calls.map((c) => c.callId)).toEqual(['trusted-1']);
  expect(ua.stats().refused['untrusted-source']).toBe(1);
});

test('over its cap of concurrent calls a source gets 503 with Retry-After; other sources still get through', async () => {
  await startUa({ maxCallsPerSource: 2, busyRetryAfterSeconds: 7 });
  const sbc = await client();
  for (const id of ['cap-1', 'cap-2', 'cap-3']) sbc.send(invite(sbc, id));
  const busy = await sbc.response(503, 'cap-3');
  expect(header(busy, 'Retry-After')).toBe('7');
  const other = await client('127.0.0.3');
  other.send(invite(other, 'cap-other'));
  await other.until(() => calls.length === 3, 'the call from the other source');
  expect(calls.map((c) => c.callId).sort()).toEqual(['cap-1', 'cap-2', 'cap-other']);
  expect(ua.stats().refused['source-busy']).toBe(1);
  // A call that ends frees its place.
  calls[0]?.reject(486);
  sbc.send(invite(sbc, 'cap-4'));
  await sbc.until(() => calls.length === 4, 'a call once a place is free');
});

const credentials = { realm: 'ivr.test', username: 'sbc', password: 'trunk-secret' };

function answerChallenge(challenge: string, password: string, algorithm: 'SHA-256' | 'MD5'): string {
  const c = parseDigestCredentials(challenge);
  const nonce = c?.get('nonce') ?? '';
  const uri = `sip:123456@127.0.0.1:${ua.port}`;
  const fields = { nc: '00000001', cnonce: 'c0ffee', qop: 'auth' };
  const response = digestResponse(algorithm, { ...credentials, password, method: 'INVITE', uri, nonce, ...fields });
  return `Digest username="sbc", realm="${credentials.realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, cnonce="${fields.cnonce}", qop=${fields.qop}, nc=${fields.nc}`;
}

test.each(['SHA-256', 'MD5'] as const)(
  'digest (%s): no credentials → 401 challenge, good ones → the call, a wrong password → 403',
  async (algorithm) => {
    await startUa({ digest: credentials });
    const sbc = await client();
    sbc.send(invite(sbc, `auth-${algorithm}`));
    const challenge = await sbc.response(401, `auth-${algorithm}`);
    const offered = headerValues(challenge, 'WWW-Authenticate');
    expect(offered.map((v) => parseDigestCredentials(v)?.get('algorithm'))).toEqual(['SHA-256', 'MD5']);
    const chosen = offered.find((v) => v.includes(`algorithm=${algorithm}`)) ?? '';
    expect(calls).toHaveLength(0);

    sbc.send(
      invite(sbc, `auth-${algorithm}`, { cseq: 2, authorization: answerChallenge(chosen, 'trunk-secret', algorithm) }),
    );
    await sbc.until(() => calls.length === 1, 'the authenticated call');

    sbc.send(invite(sbc, `bad-${algorithm}`, { authorization: answerChallenge(chosen, 'guessed', algorithm) }));
    const refused = await sbc.response(403, `bad-${algorithm}`);
    expect(refused.reason).toMatch(/bad credentials/);
    expect(ua.stats()).toMatchObject({ authChallenges: 1, refused: { 'bad-credentials': 1 } });
    expect(calls).toHaveLength(1);
  },
);

test('a nonce the agent never issued is refused; credentials for another realm are challenged', async () => {
  await startUa({ digest: credentials });
  const sbc = await client();
  const forged = 'Digest realm="ivr.test", nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", algorithm=MD5, qop="auth"';
  sbc.send(invite(sbc, 'forged', { authorization: answerChallenge(forged, 'trunk-secret', 'MD5') }));
  await sbc.response(403, 'forged');
  sbc.send(
    invite(sbc, 'realm', {
      authorization: 'Digest username="sbc", realm="elsewhere", nonce="x", uri="sip:x", response="0"',
    }),
  );
  await sbc.response(401, 'realm');
  expect(calls).toHaveLength(0);
});

// libre 1.x (baresip 1.0) fails at any challenge that is not MD5, even beside an MD5 one: such peers
// need the agent to offer MD5 alone (SIP_DIGEST_ALGORITHMS=MD5 in call-control).
test('a real phone (baresip, MD5 only) authenticates with digest; with a wrong password it is refused', async () => {
  const algorithms = ['MD5'] as const;
  await startUa({ digest: { ...credentials, algorithms: [...algorithms] } });
  ua.on('incomingCall', (call) => call.answer({ address: '127.0.0.1', port: 9 }).catch(() => {}));
  const good = await BaresipPhone.start({ name: 'sbc', auth: { user: 'sbc', password: 'trunk-secret' } });
  const bad = await BaresipPhone.start({ name: 'sbc', auth: { user: 'sbc', password: 'guessed' } });
  try {
    await good.dial(`sip:123456@127.0.0.1:${ua.port}`);
    await good.waitForEvent('CALL_ESTABLISHED');
    await bad.dial(`sip:123456@127.0.0.1:${ua.port}`);
    expect(String((await bad.waitForEvent('CALL_CLOSED')).param)).toMatch(/403/);
    expect(ua.stats().refused['bad-credentials']).toBe(1);
  } finally {
    await Promise.all([good.stop(), bad.stop()]);
  }
});
