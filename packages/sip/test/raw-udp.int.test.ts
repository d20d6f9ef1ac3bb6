// The user agent against hand-written datagrams over a real UDP socket: garbage, oversized and
// flooding input, offers without a usable codec, OPTIONS, re-INVITE, stray BYE, drain and a
// missing ACK. The process must stay up and keep answering throughout.
import { type IncomingCall, SipUserAgent, type SipUserAgentOptions } from '../src';
import { header } from '../src/message';
import type { CodecChoice } from '../src/sdp';
import { RawClient } from './raw-client';

let ua: SipUserAgent;
let client: RawClient;

async function startUa(extra: Partial<SipUserAgentOptions> = {}): Promise<void> {
  ua = new SipUserAgent({ host: '127.0.0.1', port: 0, tcp: false, ...extra });
  await ua.start();
}

afterEach(async () => {
  client.socket.close();
  await ua.stop();
});

beforeEach(async () => {
  client = await RawClient.open(() => ua.port);
});

const SDP = (codecs = '0 101') =>
  `v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 30000 RTP/AVP ${codecs}\na=rtpmap:101 telephone-event/8000\n`;

function request(
  method: string,
  callId: string,
  opts: { body?: string; toTag?: string; cseq?: number; branch?: string; contentType?: string } = {},
) {
  const body = (opts.body ?? '').replace(/\n/g, '\r\n');
  const lines = [
    `${method} sip:TC9@127.0.0.1:${ua.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${client.port};branch=${opts.branch ?? `z9hG4bK${callId}${method}${opts.cseq ?? 1}`};rport`,
    'Max-Forwards: 70',
    `From: <sip:pbx@127.0.0.1>;tag=caller`,
    `To: <sip:TC9@127.0.0.1>${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    `Contact: <sip:pbx@127.0.0.1:${client.port}>`,
    ...(body ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    '',
  ];
  return lines.join('\n').replace(/\n/g, '\r\n') + body;
}

test('garbage is dropped or answered 400, counted, and the agent keeps serving', async () => {
  await startUa();
  client.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  client.send(request('INVITE', 'bad1').replace('Content-Length: 0', 'Content-Length: abc'));
  const bad = await client.response(400, 'bad1');
  expect(bad.reason).toMatch(/Content-Length/);
  client.send(request('OPTIONS', 'alive'));
  const ok = await client.response(200, 'alive');
  expect(header(ok, 'Allow')).toContain('INVITE');
  expect(ua.stats().malformed).toBe(2);
  expect(ua.stats().answered400).toBe(1);
});

test('oversized datagrams and floods from one source are dropped and counted', async () => {
  await startUa({ maxMessageSize: 2000, rateLimit: { perSecond: 1, burst: 5 } });
  client.send(Buffer.alloc(3000, 0x41));
  for (let i = 0; i < 20; i++) client.send(request('OPTIONS', `flood${i}`));
  await client.until(() => ua.stats().received >= 21, 'all datagrams');
  expect(ua.stats().oversized).toBe(1);
  expect(ua.stats().rateLimited).toBeGreaterThanOrEqual(15);
});

test('an offer without PCMU/PCMA gets 488 and never reaches the dialogue', async () => {
  await startUa();
  let offered = 0;
  ua.on('incomingCall', () => offered++);
  client.send(request('INVITE', 'g729', { body: SDP('18 101') }));
  await client.response(488, 'g729');
  client.send(request('ACK', 'g729'));
  expect(offered).toBe(0);
  expect(ua.stats().rejectedNoCodec).toBe(1);
});

test('an answered call: 100 then 200 with To-tag, Contact and SDP; a hold re-INVITE is answered recvonly; BYE ends it', async () => {
  await startUa();
  const calls: IncomingCall[] = [];
  ua.on('incomingCall', (call) => {
    calls.push(call);
    void call.answer({ address: '10.1.2.3', port: 40100 });
  });
  client.send(request('INVITE', 'c1', { body: SDP() }));
  await client.response(100, 'c1');
  const ok = await client.response(200, 'c1');
  const toTag = /tag=([^;]+)/.exec(header(ok, 'To') ?? '')?.[1];
  expect(toTag).toBeDefined();
  expect(header(ok, 'Contact')).toMatch(/^<sip:ivr@127\.0\.0\.1:\d+>$/);
  expect(ok.body.toString()).toContain('c=IN IP4 10.1.2.3');
  client.send(request('ACK', 'c1', { toTag, branch: 'z9hG4bKack1' }));
  await client.until(() => calls[0]?.state === 'confirmed', 'confirmed');

  const reinvites: CodecChoice[] = [];
  calls[0]!.on('reinvite', (media) => reinvites.push(media));
  client.received.length = 0;
  // The caller goes on hold from another port: the same endpoint, now recvonly (RFC 3264 §8.4) in a new
  // version of the SDP; a new view of the caller's media.
  const hold = SDP().replace('m=audio 30000', 'm=audio 30002').concat('a=sendonly\n');
  client.send(request('INVITE', 'c1', { body: hold, toTag, cseq: 2 }));
  const again = await client.response(200, 'c1');
  const nextVersion = (sdp: string) => sdp.replace(/^(o=ivr \d+) (\d+)/m, (_, o, v) => `${o} ${Number(v) + 1}`);
  expect(again.body.toString()).toBe(nextVersion(ok.body.toString()).replace('a=sendrecv', 'a=recvonly'));
  client.send(request('ACK', 'c1', { toTag, cseq: 2, branch: 'z9hG4bKack2' }));
  expect(reinvites).toHaveLength(1);
  expect(reinvites[0]!.remote.port).toBe(30002);
  expect(reinvites[0]!.direction).toBe('recvonly');
  expect(calls[0]!.codec.remote.port).toBe(30002);

  // A new offer without our codec cannot take the unchanged answer: 488, the call goes on.
  client.received.length = 0;
  client.send(request('INVITE', 'c1', { body: SDP('8 101'), toTag, cseq: 3 }));
  await client.response(488, 'c1');
  client.send(request('ACK', 'c1', { toTag, cseq: 3 }));
  // A session refresh by UPDATE without a body.
  client.send(request('UPDATE', 'c1', { toTag, cseq: 4 }));
  await client.response(200, 'c1');
  expect(calls[0]!.state).toBe('confirmed');

  const ended = new Promise((resolve) => calls[0]!.once('ended', resolve));
  client.send(request('BYE', 'c1', { toTag, cseq: 5 }));
  await client.response(200, 'c1');
  expect(await ended).toBe('remote-bye');
});

test('INFO is not allowed (405, not in Allow), in a call or outside one: keyed digits never ride in SIP; the call goes on', async () => {
  await startUa();
  const calls: IncomingCall[] = [];
  ua.on('incomingCall', (call) => {
    calls.push(call);
    call.answer({ address: '10.1.2.3', port: 40100 }).catch(() => {});
  });
  client.send(request('INVITE', 'i1', { body: SDP() }));
  const ok = await client.response(200, 'i1');
  expect(header(ok, 'Allow')).not.toMatch(/\bINFO\b/);
  const toTag = /tag=([^;]+)/.exec(header(ok, 'To') ?? '')?.[1];
  client.send(request('ACK', 'i1', { toTag, branch: 'z9hG4bKacki1' }));
  await client.until(() => calls[0]?.state === 'confirmed', 'confirmed');

  // An SBC that turns keypad tones into SIP INFO (RFC 2976 style, application/dtmf-relay).
  for (const [cseq, contentType, body] of [
    [2, 'application/dtmf-relay', 'Signal=4\nDuration=160\n'],
    [3, 'application/dtmf', '4'],
  ] as const) {
    client.send(request('INFO', 'i1', { toTag, cseq, body, contentType }));
    const refused = await client.response(405, 'i1');
    expect(header(refused, 'Allow')).not.toMatch(/\bINFO\b/);
    client.received.length = 0;
  }
  client.send(request('INFO', 'i2', { body: 'Signal=4\n', contentType: 'application/dtmf-relay' }));
  await client.response(405, 'i2');
  client.send(request('OPTIONS', 'i3'));
  expect(header(await client.response(200, 'i3'), 'Allow')).not.toMatch(/\bINFO\b/);

  expect(calls[0]!.state).toBe('confirmed');
  expect(ua.stats().infoRefused).toBe(3);
  client.send(request('BYE', 'i1', { toTag, cseq: 4 }));
  await client.response(200, 'i1');
});

test('a BYE for an unknown dialog gets 481', async () => {
  await startUa();
  client.send(request('BYE', 'ghost', { toTag: 'nope' }));
  await client.response(481, 'ghost');
});

test('draining: a new INVITE gets 503 with Retry-After', async () => {
  await startUa({ drainRetryAfterSeconds: 120 });
  ua.drain();
  client.send(request('INVITE', 'late', { body: SDP() }));
  const r = await client.response(503, 'late');
  expect(header(r, 'Retry-After')).toBe('120');
});

test('a 200 that is never acknowledged is retransmitted, then the call is ended with a BYE', async () => {
  await startUa({ timerValues: { t1: 10, t2: 40, t4: 50 } });
  const ended = new Promise((resolve) => {
    ua.on('incomingCall', (call) => {
      call.once('ended', resolve);
      call.answer({ address: '127.0.0.1', port: 40000 }).catch(() => {});
    });
  });
  client.send(request('INVITE', 'noack', { body: SDP() }));
  expect(await ended).toBe('ack-timeout');
  expect(client.received.filter((r) => r.status === 200).length).toBeGreaterThan(1);
  await client.until(() => client.requests.some((r) => r.startsWith('BYE ')), 'BYE');
});

describe('SRTP offers (SDES)', () => {
  const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
  const OTHER = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk';
  const srtp = { suites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'], required: false };
  const SAVP = (crypto: string[]) =>
    SDP().replace('RTP/AVP', 'RTP/SAVP') + crypto.map((c) => `a=crypto:${c}\n`).join('');
  const answered = (extra: Partial<SipUserAgentOptions> = {}) =>
    startUa({ sdp: { requireTelephoneEvent: true, srtp }, ...extra });

  test('the keys are handed over once and forgotten; the answer is RTP/SAVP with the endpoint’s line; a re-INVITE must keep the key', async () => {
    await answered();
    const calls: IncomingCall[] = [];
    const taken: string[][] = [];
    ua.on('incomingCall', (call) => {
      calls.push(call);
      taken.push(call.takeOfferedCrypto(), call.takeOfferedCrypto());
      expect(call.invite.body.every((b) => b === 0)).toBe(true);
      expect(JSON.stringify(call.offer)).not.toContain(KEY.slice(0, 8));
      void call.answer({
        address: '10.1.2.3',
        port: 40100,
        proto: 'RTP/SAVP',
        attributes: [`crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${OTHER}`],
      });
    });
    const lines = [`1 AEAD_AES_128_GCM inline:${KEY}`, `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`];
    client.send(request('INVITE', 's1', { body: SAVP(lines) }));
    const ok = await client.response(200, 's1');
    expect(taken).toEqual([[lines[1]], []]);
    expect(ok.body.toString()).toContain('m=audio 40100 RTP/SAVP 0 101\r\n');
    expect(ok.body.toString()).toContain(`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${OTHER}\r\n`);
    const toTag = /tag=([^;]+)/.exec(header(ok, 'To') ?? '')?.[1];
    client.send(request('ACK', 's1', { toTag, branch: 'z9hG4bKsack1' }));
    await client.until(() => calls[0]?.state === 'confirmed', 'confirmed');

    // Same line again (a session refresh, a hold): answered, with the same key.
    client.received.length = 0;
    client.send(request('INVITE', 's1', { body: SAVP(lines).concat('a=sendonly\n'), toTag, cseq: 2 }));
    const held = (await client.response(200, 's1')).body.toString();
    expect(held).toContain('m=audio 40100 RTP/SAVP 0 101\r\n');
    expect(held).toContain(`a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${OTHER}\r\n`);
    client.send(request('ACK', 's1', { toTag, cseq: 2, branch: 'z9hG4bKsack2' }));
    // A new key, or plain RTP, would need a new context in the vault: 488, the call keeps its keys.
    for (const [cseq, body] of [
      [3, SAVP([`2 AES_CM_128_HMAC_SHA1_32 inline:${OTHER}`])],
      [4, SDP()],
    ] as const) {
      client.received.length = 0;
      client.send(request('INVITE', 's1', { body, toTag, cseq }));
      await client.response(488, 's1');
      client.send(request('ACK', 's1', { toTag, cseq }));
    }
    expect(calls[0]!.state).toBe('confirmed');
  });

  test('an answer that does not fit the offer is refused by the call (plain answer to SRTP, or a tag not offered)', async () => {
    await answered();
    const errors: string[] = [];
    ua.on('incomingCall', (call) => {
      call.answer({ address: '10.1.2.3', port: 40100 }).catch((e: Error) => errors.push(e.message));
      call
        .answer({
          address: '10.1.2.3',
          port: 40100,
          proto: 'RTP/SAVP',
          attributes: [`crypto:9 AES_CM_128_HMAC_SHA1_80 inline:${OTHER}`],
        })
        .catch((e: Error) => errors.push(e.message));
      call.reject(500);
    });
    client.send(request('INVITE', 's2', { body: SAVP([`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`]) }));
    await client.response(500, 's2');
    expect(errors).toHaveLength(2);
    expect(errors.join()).toMatch(/RTP\/SAVP/);
  });

  test('offers the configuration refuses get 488 and are counted by reason', async () => {
    await answered({ sdp: { requireTelephoneEvent: true, srtp: { ...srtp, required: true } } });
    let offered = 0;
    ua.on('incomingCall', () => offered++);
    client.send(request('INVITE', 's3', { body: SAVP([`1 AEAD_AES_256_GCM inline:${KEY}`]) }));
    const unknown = await client.response(488, 's3');
    expect(unknown.reason).toContain('AEAD_AES_256_GCM');
    expect(unknown.reason).not.toContain(KEY.slice(0, 8));
    client.send(request('INVITE', 's4', { body: SDP() }));
    await client.response(488, 's4');
    expect(offered).toBe(0);
    expect(ua.stats().refused).toMatchObject({ 'srtp-no-crypto-suite': 1, 'srtp-required': 1 });
  });
});
