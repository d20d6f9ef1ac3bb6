import { parseRtp, serializeRtp } from '../src';

const header = { payloadType: 0, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef };

function parsedOrFail(datagram: Uint8Array) {
  const result = parseRtp(datagram);
  if (!result.ok) throw new Error(`expected a packet, got ${result.error}`);
  return result.packet;
}

describe('RTP packets (RFC 3550)', () => {
  it('round-trips the fixed header and payload', () => {
    const payload = Uint8Array.of(1, 2, 3, 4);
    const packet = parsedOrFail(serializeRtp({ ...header, marker: true, payloadType: 101 }, payload));
    expect(packet).toMatchObject({ marker: true, payloadType: 101, sequenceNumber: 65535, timestamp: 0xfffffff0 });
    expect(packet.ssrc).toBe(0xdeadbeef);
    expect(Array.from(packet.payload)).toEqual([1, 2, 3, 4]);
    expect(packet.csrcs).toEqual([]);
  });

  it('skips CSRCs and the header extension, and strips padding', () => {
    const bytes = Buffer.from([
      0b1011_0010,
      0x00,
      0,
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      3, // V=2 P=1 X=1 CC=2
      0,
      0,
      0,
      10,
      0,
      0,
      0,
      11, // CSRCs
      0xbe,
      0xde,
      0,
      1,
      9,
      9,
      9,
      9, // extension: profile, 1 word
      7,
      7,
      7, // payload
      0,
      0,
      3, // 3 bytes of padding, the last holding the count
    ]);
    const packet = parsedOrFail(bytes);
    expect(packet.csrcs).toEqual([10, 11]);
    expect(packet.extension?.profile).toBe(0xbede);
    expect(Array.from(packet.extension?.data ?? [])).toEqual([9, 9, 9, 9]);
    expect(Array.from(packet.payload)).toEqual([7, 7, 7]);
  });

  it.each([
    ['empty', [], 'too_short'],
    ['11 bytes', [0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'too_short'],
    ['version 1', [0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'bad_version'],
    ['version 0 (STUN-like)', [0x00, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0], 'bad_version'],
    ['CSRC count past the end', [0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'truncated_csrc'],
    ['extension header cut', [0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde], 'truncated_extension'],
    [
      'extension length past the end',
      [0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 2, 1, 2, 3, 4],
      'truncated_extension',
    ],
    ['padding count zero', [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0], 'bad_padding'],
    ['padding longer than the payload', [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 9], 'bad_padding'],
    ['RTCP sender report', [0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0], 'rtcp'],
  ])('rejects %s', (_name, bytes, error) => {
    expect(parseRtp(Uint8Array.from(bytes))).toEqual({ ok: false, error });
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from({ length: random() % 40 }, random);
      const result = parseRtp(bytes);
      if (result.ok) expect(result.packet.payload.length).toBeLessThanOrEqual(bytes.length);
    }
  });

  it('accepts a packet with an empty payload', () => {
    expect(parsedOrFail(serializeRtp(header, new Uint8Array(0))).payload.length).toBe(0);
  });
});
