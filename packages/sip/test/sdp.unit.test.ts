import { buildAnswer, buildOffer, negotiate, parseSdp, readAnswer } from '../src/sdp';

const offer = (m: string[], c = 'c=IN IP4 192.0.2.10') =>
  ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', c, 't=0 0', ...m, ''].join('\r\n');

const BARESIP_LIKE = offer([
  'm=audio 30000 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=sendrecv',
]);

const vault = { address: '10.0.0.7', port: 40002 };

test("the offerer's preferred G.711 codec and its telephone-event payload type are chosen", () => {
  const r = negotiate(BARESIP_LIKE);
  if (!r.ok) throw new Error(r.detail);
  expect(r.choice.codec).toEqual({ name: 'PCMA', payloadType: 8 });
  expect(r.choice.telephoneEvent).toEqual({ payloadType: 101, fmtp: '0-15' });
  expect(r.choice.remote).toEqual({ address: '192.0.2.10', port: 30000 });
});

test('dynamic payload type numbers of the offer are kept in the answer', () => {
  const text = offer([
    'm=audio 30000 RTP/AVP 96 0 98',
    'a=rtpmap:96 opus/48000/2',
    'a=rtpmap:98 telephone-event/8000',
    'a=fmtp:98 0-16',
  ]);
  const r = negotiate(text);
  if (!r.ok) throw new Error(r.detail);
  const answer = buildAnswer(r.offer, r.choice, vault, { sessionId: '7', sessionVersion: 1 });
  expect(answer).toContain('m=audio 40002 RTP/AVP 0 98\r\n');
  expect(answer).toContain('a=rtpmap:98 telephone-event/8000\r\n');
  expect(answer).toContain('a=fmtp:98 0-16\r\n');
  expect(answer).not.toContain('opus');
});

test('the answer points c= and m= at the given media endpoint, not at call-control', () => {
  const r = negotiate(BARESIP_LIKE);
  if (!r.ok) throw new Error(r.detail);
  const answer = buildAnswer(r.offer, r.choice, vault, { sessionId: '7', sessionVersion: 1 });
  const parsed = parseSdp(answer);
  if (!parsed.ok) throw new Error(parsed.error);
  expect(parsed.sdp.connection).toBe('10.0.0.7');
  expect(parsed.sdp.media[0]!.port).toBe(40002);
  expect(answer).toContain('a=sendrecv');
});

test('other streams are refused with port 0 and the m= lines stay in the offered order', () => {
  const text = offer([
    'm=video 30002 RTP/AVP 96',
    'a=rtpmap:96 VP8/90000',
    'm=audio 30000 RTP/AVP 0 101',
    'a=rtpmap:101 telephone-event/8000',
  ]);
  const r = negotiate(text);
  if (!r.ok) throw new Error(r.detail);
  const lines = buildAnswer(r.offer, r.choice, vault, { sessionId: '1', sessionVersion: 1 })
    .split('\r\n')
    .filter((l) => l.startsWith('m='));
  expect(lines).toEqual(['m=video 0 RTP/AVP 96', 'm=audio 40002 RTP/AVP 0 101']);
});

test('a sendonly offer (caller on hold) is answered recvonly', () => {
  const r = negotiate(offer(['m=audio 1 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=sendonly']));
  expect(r.ok && r.choice.direction).toBe('recvonly');
});

test.each([
  [
    'no G.711',
    offer(['m=audio 30000 RTP/AVP 18 101', 'a=rtpmap:18 G729/8000', 'a=rtpmap:101 telephone-event/8000']),
    'no-usable-codec',
  ],
  ['no telephone-event', offer(['m=audio 30000 RTP/AVP 0']), 'no-telephone-event'],
  ['only video', offer(['m=video 30000 RTP/AVP 96']), 'no-audio'],
  ['audio refused by the offerer', offer(['m=audio 0 RTP/AVP 0 101']), 'no-audio'],
  ['not SDP at all', 'hello', 'malformed-sdp'],
  [
    'no connection line',
    offer(['m=audio 30000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000'], 'a=x'),
    'malformed-sdp',
  ],
])('%s is not acceptable (%s)', (_name, text, reason) => {
  const r = negotiate(text);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.reason).toBe(reason);
});

test('telephone-event can be made optional', () => {
  const r = negotiate(offer(['m=audio 30000 RTP/AVP 0']), { requireTelephoneEvent: false });
  expect(r.ok && r.choice.telephoneEvent).toBeUndefined();
});

test('without telephone-event the answer lists the codec alone; an SRTP endpoint answers RTP/SAVP with its crypto line', () => {
  const r = negotiate(offer(['m=audio 30000 RTP/AVP 0']), { requireTelephoneEvent: false });
  if (!r.ok) throw new Error(r.detail);
  const origin = { sessionId: '1', sessionVersion: 1 };
  const plain = buildAnswer(r.offer, r.choice, { address: '127.0.0.1', port: 40000 }, origin);
  expect(plain).toContain('m=audio 40000 RTP/AVP 0\r\n');
  expect(plain).not.toContain('telephone-event');
  const crypto = 'crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
  const secure = buildAnswer(
    r.offer,
    r.choice,
    { address: '127.0.0.1', port: 40000, proto: 'RTP/SAVP', attributes: [crypto] },
    origin,
  );
  expect(secure).toContain('m=audio 40000 RTP/SAVP 0\r\n');
  expect(secure).toContain(`a=${crypto}\r\n`);
});

test('an offer of ours names the endpoint, the codecs in order and telephone-event; the answer says what was chosen', () => {
  const sdp = buildOffer(
    { address: '10.0.0.7', port: 40002 },
    { codecs: ['PCMA', 'PCMU'], telephoneEventPayloadType: 96, sessionId: '7', sessionVersion: 1 },
  );
  expect(sdp).toContain('c=IN IP4 10.0.0.7');
  expect(sdp).toContain('m=audio 40002 RTP/AVP 8 0 96\r\n');
  expect(sdp).toContain('a=rtpmap:96 telephone-event/8000');
  expect(sdp).toContain('a=sendrecv');
  const answer = offer(['m=audio 5004 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=sendonly']);
  const r = readAnswer(answer, ['PCMA', 'PCMU']);
  if (!r.ok) throw new Error(r.detail);
  expect(r.media).toMatchObject({
    codec: { name: 'PCMU', payloadType: 0 },
    telephoneEvent: { payloadType: 101 },
    remote: { port: 5004 },
    direction: 'recvonly',
  });
  expect(readAnswer(offer(['m=audio 0 RTP/AVP 0']), ['PCMU'])).toMatchObject({ ok: false });
  expect(readAnswer(offer(['m=audio 5004 RTP/AVP 9']), ['PCMU'])).toMatchObject({ ok: false });
});

describe('SRTP offers (SDES, RFC 4568)', () => {
  const KEY = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
  const srtp = { suites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'], required: false };
  const savp = (cryptoLines: string[], port = 30000) => [
    `m=audio ${port} RTP/SAVP 0 101`,
    'a=rtpmap:101 telephone-event/8000',
    ...cryptoLines.map((c) => `a=crypto:${c}`),
  ];
  const avp = ['m=audio 30002 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000'];

  test('an RTP/SAVP stream is accepted with its accepted a=crypto lines, in the offer’s order', () => {
    const r = negotiate(
      offer(
        savp([
          `1 AEAD_AES_256_GCM inline:${KEY}`,
          `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}|2^20`,
          `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`,
        ]),
      ),
      { requireTelephoneEvent: true, srtp },
    );
    if (!r.ok) throw new Error(r.detail);
    expect(r.choice.srtp).toBe(true);
    expect(r.crypto.map((c) => [c.tag, c.suite])).toEqual([
      [2, 'AES_CM_128_HMAC_SHA1_32'],
      [3, 'AES_CM_128_HMAC_SHA1_80'],
    ]);
    expect(r.crypto[0]?.value).toBe(`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY}|2^20`);
    expect(r.choice.codec.payloadType).toBe(0);
  });

  test('the suites accepted are configuration: another suite is not taken', () => {
    const r = negotiate(offer(savp([`1 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`])), {
      requireTelephoneEvent: true,
      srtp: { suites: ['AES_CM_128_HMAC_SHA1_80'], required: false },
    });
    expect(r).toMatchObject({ ok: false, reason: 'srtp-no-crypto-suite' });
  });

  test('an SRTP stream is preferred to a plain one in the same offer; the other is refused in the answer', () => {
    const r = negotiate(offer([...avp, ...savp([`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`])]), {
      requireTelephoneEvent: true,
      srtp,
    });
    if (!r.ok) throw new Error(r.detail);
    expect(r.choice.mediaIndex).toBe(1);
    const answer = buildAnswer(
      r.offer,
      r.choice,
      { ...vault, proto: 'RTP/SAVP', attributes: [`crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`] },
      { sessionId: '1', sessionVersion: 1 },
    );
    expect(answer).toContain('m=audio 0 RTP/AVP 0 101\r\n');
    expect(answer).toContain('m=audio 40002 RTP/SAVP 0 101\r\n');
  });

  test.each([
    [
      'only unknown suites',
      offer(savp([`1 AEAD_AES_128_GCM inline:${KEY}`, `2 F8_128_HMAC_SHA1_80 inline:${KEY}`])),
      srtp,
      'srtp-no-crypto-suite',
    ],
    ['RTP/SAVP without a=crypto', offer(savp([])), srtp, 'srtp-no-crypto-suite'],
    ['plain RTP when SRTP is required', offer(avp), { ...srtp, required: true }, 'srtp-required'],
    ['RTP/SAVP while SRTP is off', offer(savp([`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`])), undefined, 'no-audio'],
  ])('%s is refused (%s)', (_name, text, srtpOptions, reason) => {
    const r = negotiate(text, { requireTelephoneEvent: true, ...(srtpOptions ? { srtp: srtpOptions } : {}) });
    expect(r).toMatchObject({ ok: false, reason });
    // The reason phrase names suites, never a key.
    expect(r.ok ? '' : r.detail).not.toContain(KEY.slice(0, 8));
  });

  test('an unknown-suites offer says which suites it named; a plain offer is still fine when SRTP is optional', () => {
    const r = negotiate(offer(savp([`1 AEAD_AES_128_GCM inline:${KEY}`])), { requireTelephoneEvent: true, srtp });
    expect(r.ok ? '' : r.detail).toContain('AEAD_AES_128_GCM');
    const plain = negotiate(offer(avp), { requireTelephoneEvent: true, srtp });
    expect(plain.ok && plain.choice.srtp).toBe(false);
  });
});
