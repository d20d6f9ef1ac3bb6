import { decodeG711, encodeG711, silenceByte, ulawToAlaw } from '../src';

const decodeOne = (codec: 'PCMU' | 'PCMA', code: number) => {
  const out = new Int16Array(1);
  decodeG711(codec, Uint8Array.of(code), out);
  return out[0] as number;
};

describe('G.711', () => {
  it('matches reference values of the ITU-T tables', () => {
    // µ-law: 0xFF and 0x7F are the two zeros; 0x00 is the most negative value; 0x80 the most positive.
    expect(decodeOne('PCMU', 0xff)).toBe(0);
    expect(decodeOne('PCMU', 0x00)).toBe(-32124);
    expect(decodeOne('PCMU', 0x80)).toBe(32124);
    // A-law: 0xD5 is the smallest positive step, 0x55 the smallest negative; 0xAA the largest positive.
    expect(decodeOne('PCMA', 0xd5)).toBe(8);
    expect(decodeOne('PCMA', 0x55)).toBe(-8);
    expect(decodeOne('PCMA', 0xaa)).toBe(32256);
    expect(silenceByte.PCMU).toBe(0xff);
    expect(silenceByte.PCMA).toBe(0xd5);
  });

  it.each(['PCMU', 'PCMA'] as const)('%s: every code decodes and re-encodes to itself', (codec) => {
    const codes = new Uint8Array(256).map((_, i) => i);
    const pcm = new Int16Array(256);
    decodeG711(codec, codes, pcm);
    const again = encodeG711(codec, pcm);
    for (let i = 0; i < 256; i++) {
      // µ-law has two codes for zero (0x7F, 0xFF); both decode to 0 which encodes to 0xFF.
      if (codec === 'PCMU' && i === 0x7f) expect(again[i]).toBe(0xff);
      else expect(again[i]).toBe(i);
    }
  });

  it.each(['PCMU', 'PCMA'] as const)('%s: round trip error stays within the quantisation step', (codec) => {
    const pcm = new Int16Array(65536).map((_, i) => i - 32768);
    const back = new Int16Array(pcm.length);
    decodeG711(codec, encodeG711(codec, pcm), back);
    for (let i = 0; i < pcm.length; i += 97) {
      const x = pcm[i] as number;
      const err = Math.abs((back[i] as number) - x);
      // Logarithmic companding: the error grows with the magnitude, about 1/16 of it, at least one small step.
      expect(err).toBeLessThanOrEqual(Math.max(16, Math.abs(x) / 16) + (codec === 'PCMU' ? 132 : 0));
      if (Math.abs(x) > 64) expect(Math.sign(back[i] as number)).toBe(Math.sign(x));
    }
  });

  it('converts µ-law to A-law through linear PCM', () => {
    const pcm = Int16Array.of(0, 1000, -1000, 30000, -30000);
    const alaw = ulawToAlaw(encodeG711('PCMU', pcm));
    const back = new Int16Array(pcm.length);
    decodeG711('PCMA', alaw, back);
    back.forEach((v, i) => {
      expect(Math.abs(v - (pcm[i] as number))).toBeLessThan(1100);
    });
  });
});
