// SDES a=crypto attributes (RFC 4568) and the offer/answer of one leg's keys.
import { inspect } from 'node:util';
import { answerSdes, parseCryptoAttribute, SdesOffer, SrtpLeg, SrtpMasterKey, serializeRtp } from '../src';
import { decodeBase64 } from '../src/srtp/crypto-attribute';

// The RFC 4568 example key (§4): 30 bytes of key and salt.
const INLINE = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
const keyBytes = Buffer.from(INLINE, 'base64');

describe('a=crypto attributes (RFC 4568 §9.1)', () => {
  it('reads tag, suite, key and salt, and an optional lifetime', () => {
    const r = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|2^20`);
    if (!r.ok) throw new Error(r.error);
    expect(r.attribute).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', lifetime: 2 ** 20 });
    expect(Buffer.concat([r.attribute.key.key, r.attribute.key.salt])).toEqual(keyBytes);
  });

  it('reads what baresip writes (`%u %s inline:%b`), from bytes', () => {
    const r = parseCryptoAttribute(Buffer.from(`2 AES_CM_128_HMAC_SHA1_32 inline:${INLINE}`));
    expect(r.ok && r.attribute.suite).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(r.ok && r.attribute.tag).toBe(2);
  });

  it('accepts base64 padding, a decimal lifetime and a window-size hint', () => {
    const padded = Buffer.alloc(30, 7).toString('base64'); // 40 characters, no padding needed...
    expect(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${padded}|1048576 WSH=64`).ok).toBe(true);
    expect(decodeBase64(Buffer.from('YQ=='))).toEqual(Buffer.from('a'));
    expect(decodeBase64(Buffer.from('YWI'))).toEqual(Buffer.from('ab'));
    expect(decodeBase64(Buffer.from('Y'))).toBeUndefined();
    expect(decodeBase64(Buffer.from('Y!=='))).toBeUndefined();
  });

  it.each([
    ['1 AES_CM_128_HMAC_SHA1_80', 'malformed'],
    [`x AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`, 'malformed'],
    [`1 F8_128_HMAC_SHA1_80 inline:${INLINE}`, 'unknown_suite'],
    [`1 AEAD_AES_128_GCM inline:${INLINE}`, 'unknown_suite'],
    [`1 AES_CM_128_HMAC_SHA1_80 uri:https://keys.example/1`, 'unsupported_key_method'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE.slice(4)}`, 'bad_key'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE.slice(0, -1)}!`, 'bad_key'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|2^20|1:4`, 'mki_unsupported'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|1:4`, 'mki_unsupported'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|2^20|1:4;inline:${INLINE}|2^20|2:4`, 'several_keys'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|2^60`, 'bad_lifetime'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|2^20|2^20`, 'bad_lifetime'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}||`, 'bad_lifetime'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE} KDR=1`, 'unsupported_session_parameter'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE} UNENCRYPTED_SRTP`, 'unsupported_session_parameter'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE} UNAUTHENTICATED_SRTP`, 'unsupported_session_parameter'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${INLINE} FEC_ORDER=FEC_SRTP`, 'unsupported_session_parameter'],
  ])('refuses %s: %s', (line, error) => {
    const r = parseCryptoAttribute(line);
    expect(r.ok ? 'accepted' : r.error).toBe(error);
  });

  it('never names the key in a refusal', () => {
    const r = parseCryptoAttribute(`7 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|1:4`);
    expect(JSON.stringify(r)).not.toContain(INLINE.slice(0, 8));
    expect(r).toEqual({ ok: false, error: 'mki_unsupported', tag: 7, suite: 'AES_CM_128_HMAC_SHA1_80' });
  });
});

describe('SDES offer/answer of one leg', () => {
  const rtp = (seq: number) =>
    serializeRtp({ payloadType: 0, sequenceNumber: seq, timestamp: 0, ssrc: 42 }, Buffer.from('hello'));

  it('answers with the first line it can honour, the same tag and suite, and a key of its own', () => {
    const offered = [
      `1 AEAD_AES_256_GCM inline:${INLINE}`,
      `2 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}|1:4`,
      `3 AES_CM_128_HMAC_SHA1_32 inline:${INLINE}`,
      `4 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`,
    ];
    const answer = answerSdes(offered);
    if (!answer.ok) throw new Error(JSON.stringify(answer.refused));
    expect(answer).toMatchObject({ tag: 3, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(answer.attribute).toMatch(/^3 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}$/);
    expect(answer.attribute).not.toContain(INLINE);
  });

  it('takes only the suites it is told to accept, and says why it refused every line', () => {
    const answer = answerSdes(
      [`1 AES_CM_128_HMAC_SHA1_32 inline:${INLINE}`, '2 NULL_HMAC_SHA1_80 inline:x'],
      ['AES_CM_128_HMAC_SHA1_80'],
    );
    expect(answer).toEqual({
      ok: false,
      refused: [
        { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_32', error: 'suite_not_accepted' },
        { tag: 2, suite: 'NULL_HMAC_SHA1_80', error: 'unknown_suite' },
      ],
    });
  });

  it('an offerer and an answerer end up with legs that read each other', () => {
    const offer = new SdesOffer();
    expect(offer.attributes).toHaveLength(2);
    const answer = answerSdes(offer.attributes);
    if (!answer.ok) throw new Error('refused');
    const accepted = offer.accept(answer.attribute);
    if (!accepted.ok) throw new Error('refused');
    const a = accepted.leg;
    const b = answer.leg;
    const fromA = a.protect(rtp(1));
    expect(b.unprotect(fromA)).toEqual({ ok: true, length: 17 });
    expect(fromA.subarray(12, 17).toString()).toBe('hello');
    const fromB = b.protect(rtp(9));
    expect(a.unprotect(fromB)).toEqual({ ok: true, length: 17 });
    // A leg does not accept its own packets back: the two directions have different keys.
    expect(a.unprotect(a.protect(rtp(2)))).toEqual({ ok: false, reason: 'auth_failed' });
    // RTCP on the same port is reported, not decrypted.
    expect(b.unprotect(Buffer.from([0x81, 0xc8, 0, 1, 0, 0, 0, 42]))).toEqual({ ok: false, reason: 'rtcp' });
  });

  it('refuses an answer whose tag or suite it did not offer', () => {
    const offer = new SdesOffer(['AES_CM_128_HMAC_SHA1_80']);
    const r = offer.accept(`1 AES_CM_128_HMAC_SHA1_32 inline:${INLINE}`);
    expect(r).toEqual({
      ok: false,
      refused: { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_32', error: 'suite_not_accepted' },
    });
    expect(offer.accept(`2 AES_CM_128_HMAC_SHA1_80 inline:${INLINE}`).ok).toBe(false);
  });

  it('a leg wipes its master keys once derived, prints no key, and wipes its session keys on wipe()', () => {
    const inbound = new SrtpMasterKey('AES_CM_128_HMAC_SHA1_80', keyBytes);
    const outbound = SrtpMasterKey.generate('AES_CM_128_HMAC_SHA1_80');
    const leg = new SrtpLeg(inbound, outbound);
    expect(inbound.isWiped && outbound.isWiped).toBe(true);
    const printed = `${inspect(leg, { depth: 10, showHidden: true })} ${JSON.stringify(leg)}`;
    expect(printed).not.toMatch(/Buffer [0-9a-f]{2}|"data":\[/);
    leg.wipe();
    expect(() => leg.protect(rtp(1))).toThrow('wiped');
    expect(leg.unprotect(Buffer.alloc(40, 0x80))).toEqual({ ok: false, reason: 'auth_failed' });
  });
});
