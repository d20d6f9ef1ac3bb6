// SRTP/SRTCP (RFC 3711) against the RFC's appendix B vectors and libsrtp's reference packets
// (srtp_validate in libsrtp's test/srtp_driver.c: the packets a real libsrtp peer such as baresip produces).
import { inspect } from 'node:util';
import {
  estimateIndex,
  ReplayWindow,
  SrtpMasterKey,
  SrtpReceiver,
  SrtpSender,
  type SrtpSuite,
  serializeRtp,
} from '../src';
import { AesCounterMode } from '../src/srtp/aes-cm';
import { deriveKey, LABELS } from '../src/srtp/key-derivation';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const RFC_MASTER = 'E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6';
const master = (suite: SrtpSuite = 'AES_CM_128_HMAC_SHA1_80', keySalt = RFC_MASTER) =>
  new SrtpMasterKey(suite, hex(keySalt));

describe('AES counter mode (RFC 3711 B.2)', () => {
  it('produces the keystream of the appendix, first and last blocks of 2^16', () => {
    const aes = new AesCounterMode(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
    const keystream = new Uint8Array(16 * 0xff02);
    aes.xor(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000'), keystream);
    const block = (j: number) =>
      Buffer.from(keystream.subarray(16 * j, 16 * j + 16))
        .toString('hex')
        .toUpperCase();
    expect(block(0)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(1)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(2)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('gives the same keystream for the same IV on every call (each packet, not just the first)', () => {
    const aes = new AesCounterMode(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
    const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    const first = new Uint8Array(176);
    const second = new Uint8Array(176);
    aes.xor(iv, first);
    aes.xor(hex('000102030405060708090A0B0C0D0000'), new Uint8Array(48)); // another packet in between
    aes.xor(iv, second);
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
    expect(Buffer.from(second.subarray(16, 32)).toString('hex').toUpperCase()).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
  });

  it('refuses to be used once wiped', () => {
    const aes = new AesCounterMode(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
    aes.wipe();
    expect(() => aes.xor(new Uint8Array(16), new Uint8Array(4))).toThrow('wiped');
  });
});

describe('key derivation (RFC 3711 B.3)', () => {
  it('derives the session encryption key, salt and authentication key of the appendix', () => {
    const key = master();
    const prf = new AesCounterMode(key.key);
    expect(deriveKey(prf, key.salt, LABELS.rtpEncryption, 16).toString('hex').toUpperCase()).toBe(
      'C61E7A93744F39EE10734AFE3FF7A087',
    );
    expect(deriveKey(prf, key.salt, LABELS.rtpSalt, 14).toString('hex').toUpperCase()).toBe(
      '30CBBC08863D8C85D49DB34A9AE1',
    );
    expect(deriveKey(prf, key.salt, LABELS.rtpAuthentication, 20).toString('hex').toUpperCase()).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4',
    );
  });
});

// libsrtp's srtp_validate: SSRC 0xcafebabe, sequence 0x1234, 16 bytes of 0xab.
const RTP_PLAIN = hex('800f1234 decafbad cafebabe abababababababababababababababab');
const SRTP_80 = hex('800f1234 decafbad cafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb');
const SRTP_32 = SRTP_80.subarray(0, 32);
const RTCP_PLAIN = hex('81c8000b cafebabe abababababababababababababababab');
const SRTCP = hex('81c8000b cafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798');

describe('SRTP packets (libsrtp reference packets)', () => {
  it.each([
    ['AES_CM_128_HMAC_SHA1_80', SRTP_80],
    ['AES_CM_128_HMAC_SHA1_32', SRTP_32],
  ] as const)('%s: protects as libsrtp does, and unprotects libsrtp output', (suite, wire) => {
    expect(new SrtpSender(master(suite)).protectRtp(RTP_PLAIN)).toEqual(wire);
    const datagram = Buffer.from(wire);
    const result = new SrtpReceiver(master(suite)).unprotectRtp(datagram);
    expect(result).toEqual({ ok: true, length: RTP_PLAIN.length });
    expect(datagram.subarray(0, RTP_PLAIN.length)).toEqual(RTP_PLAIN);
  });

  it('SRTCP: protects with the E flag and index as libsrtp does (its first index is 1), and unprotects its output', () => {
    const sender = new SrtpSender(master());
    sender.protectRtcp(RTCP_PLAIN); // index 0
    expect(sender.protectRtcp(RTCP_PLAIN)).toEqual(SRTCP);
    const datagram = Buffer.from(SRTCP);
    expect(new SrtpReceiver(master()).unprotectRtcp(datagram)).toEqual({ ok: true, length: RTCP_PLAIN.length });
    expect(datagram.subarray(0, RTCP_PLAIN.length)).toEqual(RTCP_PLAIN);
  });

  it('leaves the packet given to protect as it was', () => {
    const packet = Buffer.from(RTP_PLAIN);
    new SrtpSender(master()).protectRtp(packet);
    expect(packet).toEqual(RTP_PLAIN);
  });
});

const rtp = (sequenceNumber: number, ssrc = 0x11223344, payload = Buffer.alloc(160, 0xd5)) =>
  serializeRtp({ payloadType: 0, sequenceNumber, timestamp: sequenceNumber * 160, ssrc }, payload);

describe('authentication', () => {
  it('drops a packet with any bit changed, or with a key that is not the sender’s, and leaves it untouched', () => {
    const wire = new SrtpSender(master()).protectRtp(rtp(7));
    for (const at of [1, 20, wire.length - 1]) {
      const tampered = Buffer.from(wire);
      tampered[at] = (tampered[at] as number) ^ 0x01;
      const copy = Buffer.from(tampered);
      expect(new SrtpReceiver(master()).unprotectRtp(tampered)).toEqual({ ok: false, reason: 'auth_failed' });
      expect(tampered).toEqual(copy);
    }
    const other = SrtpMasterKey.generate('AES_CM_128_HMAC_SHA1_80');
    expect(new SrtpReceiver(other).unprotectRtp(Buffer.from(wire))).toEqual({ ok: false, reason: 'auth_failed' });
  });

  it('reports truncated datagrams as malformed', () => {
    const receiver = new SrtpReceiver(master());
    expect(receiver.unprotectRtp(Buffer.alloc(15))).toEqual({ ok: false, reason: 'malformed' });
    expect(
      receiver.unprotectRtp(Buffer.from([0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
    ).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(receiver.unprotectRtcp(Buffer.alloc(20))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('an SRTCP packet whose E flag was cleared on the way fails authentication', () => {
    const wire = new SrtpSender(master()).protectRtcp(RTCP_PLAIN);
    wire[RTCP_PLAIN.length] = 0x00; // the E flag is authenticated
    expect(new SrtpReceiver(master()).unprotectRtcp(wire)).toEqual({ ok: false, reason: 'auth_failed' });
  });
});

describe('replay protection (RFC 3711 §3.3.2)', () => {
  it('drops a packet received twice, accepts reordered ones inside the window, drops those behind it', () => {
    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    const wire = new Map<number, Buffer>();
    for (let seq = 100; seq < 400; seq++) wire.set(seq, sender.protectRtp(rtp(seq)));
    const receive = (seq: number) => receiver.unprotectRtp(Buffer.from(wire.get(seq) as Buffer));
    expect(receive(100).ok).toBe(true);
    expect(receive(100)).toEqual({ ok: false, reason: 'replayed' });
    expect(receive(300).ok).toBe(true);
    expect(receive(250).ok).toBe(true); // late, inside the 128-packet window
    expect(receive(250)).toEqual({ ok: false, reason: 'replayed' });
    expect(receive(150)).toEqual({ ok: false, reason: 'replayed' }); // behind the window
    expect(receive(301).ok).toBe(true);
  });

  it('a forged packet neither moves the window nor locks out the real one', () => {
    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    expect(receiver.unprotectRtp(sender.protectRtp(rtp(10))).ok).toBe(true);
    const real = sender.protectRtp(rtp(11));
    const forged = Buffer.from(real);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0xff;
    expect(receiver.unprotectRtp(forged)).toEqual({ ok: false, reason: 'auth_failed' });
    expect(receiver.unprotectRtp(real).ok).toBe(true);
  });

  it('keeps SRTCP replays out too', () => {
    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    const wire = sender.protectRtcp(RTCP_PLAIN);
    expect(receiver.unprotectRtcp(Buffer.from(wire)).ok).toBe(true);
    expect(receiver.unprotectRtcp(Buffer.from(wire))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('the window: fresh, replayed and too old', () => {
    const window = new ReplayWindow(64);
    window.accept(1000);
    expect(window.check(1000)).toBe('replayed');
    expect(window.check(999)).toBe('fresh');
    expect(window.check(937)).toBe('fresh');
    expect(window.check(936)).toBe('too_old');
    window.accept(1100); // a jump larger than the window forgets everything behind it
    expect(window.check(1099)).toBe('fresh');
    expect(window.check(1000)).toBe('too_old');
    expect(() => new ReplayWindow(32)).toThrow(RangeError);
  });
});

describe('rollover counter (RFC 3711 §3.3.1, appendix A)', () => {
  it('estimates the index across a sequence number wrap, both ways', () => {
    expect(estimateIndex(-1, 65000)).toBe(65000);
    expect(estimateIndex(65535, 0)).toBe(65536); // wrapped: ROC + 1
    expect(estimateIndex(65536 + 2, 65534)).toBe(65534); // a late packet from before the wrap: ROC - 1
    expect(estimateIndex(3 * 65536 + 40000, 100)).toBe(4 * 65536 + 100);
    expect(estimateIndex(10, 65500)).toBe(-1); // before the stream began
  });

  it('sender and receiver agree on the ROC through a wrap, with a late packet from before it', () => {
    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
    const wire = seqs.map((seq) => sender.protectRtp(rtp(seq, 0x01020304, Buffer.from([seq & 0xff, seq >> 8]))));
    const order = [0, 1, 2, 3, 4, 6, 7, 5, 8, 9]; // 65535 arrives after 0 and 1
    for (const i of order) {
      const datagram = Buffer.from(wire[i] as Buffer);
      const result = receiver.unprotectRtp(datagram);
      expect(result).toEqual({ ok: true, length: 14 });
      const seq = seqs[i] as number;
      expect([...datagram.subarray(12, 14)]).toEqual([seq & 0xff, seq >> 8]);
    }
    // After the wrap the packets are protected with ROC 1: a receiver that believes ROC 0 cannot read them.
    const fresh = new SrtpReceiver(master());
    expect(fresh.unprotectRtp(Buffer.from(wire[7] as Buffer))).toEqual({ ok: false, reason: 'auth_failed' });
  });

  it('keeps one rollover counter and window per SSRC', () => {
    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    expect(receiver.unprotectRtp(sender.protectRtp(rtp(5, 1))).ok).toBe(true);
    expect(receiver.unprotectRtp(sender.protectRtp(rtp(5, 2))).ok).toBe(true); // same seq, other stream
  });
});

describe('keys are secrets', () => {
  it('a master key prints as [REDACTED] however it is printed', () => {
    const key = master();
    const text = [String(key), `${key}`, JSON.stringify({ key }), inspect(key), inspect({ nested: { key } })].join(' ');
    expect(text).not.toMatch(/e1f97a|4fkaDT4Bi+DWT6MsBt5BOQ/i);
    expect(text).toContain('[REDACTED]');
  });

  it('wipe() overwrites the master key; contexts refuse to work once wiped', () => {
    const key = master();
    const view = key.key;
    key.wipe();
    expect([...view].every((b) => b === 0)).toBe(true);
    expect(() => key.toInlineBase64()).toThrow('wiped');
    expect(() => new SrtpReceiver(key)).toThrow('wiped');

    const sender = new SrtpSender(master());
    const receiver = new SrtpReceiver(master());
    const wire = sender.protectRtp(rtp(1));
    sender.wipe();
    receiver.wipe();
    expect(() => sender.protectRtp(rtp(2))).toThrow('wiped');
    expect(receiver.unprotectRtp(wire)).toEqual({ ok: false, reason: 'auth_failed' });
  });
});
