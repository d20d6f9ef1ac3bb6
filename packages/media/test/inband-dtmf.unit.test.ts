import {
  concat,
  keySequence,
  silence,
  speechLike,
  type ToneSpec,
  throughG711,
  tone,
  withNoise,
} from '@ivr/testkit/dtmf-signals';
import { InbandDtmfDetector } from '../src';

const ALL_KEYS = '123A456B789C*0#D';

/** Runs a signal through a fresh detector in 20 ms packets and returns the keys it reports. */
function detect(signal: Float64Array, codec: 'PCMU' | 'PCMA' = 'PCMU'): string {
  const detector = new InbandDtmfDetector();
  const pcm = throughG711(signal, codec);
  let keys = '';
  for (let i = 0; i < pcm.length; i += 160) keys += detector.process(pcm.subarray(i, i + 160)).join('');
  return keys;
}

const oneTone = (spec: Partial<ToneSpec> & { key: string }) =>
  concat([silence(40), tone({ ms: 80, ...spec }), silence(60)]);

describe('in-band DTMF detection', () => {
  it('recognises all 16 keys at the nominal frequencies, µ-law and A-law', () => {
    expect(detect(keySequence(ALL_KEYS))).toBe(ALL_KEYS);
    expect(detect(keySequence(ALL_KEYS), 'PCMA')).toBe(ALL_KEYS);
  });

  it('reports a long key press once, and a repeated key as many times as it was pressed', () => {
    expect(detect(keySequence('55', 400, 80))).toBe('55');
    expect(detect(keySequence('4242424242424242', 60, 50))).toBe('4242424242424242');
  });

  it.each([
    [0.015, 0.015],
    [-0.015, -0.015],
    [0.015, -0.015],
    [-0.015, 0.015],
  ])(
    'accepts every key with frequency deviations of %p (low) and %p (high) (Q.24 accept band)',
    (lowDeviation, highDeviation) => {
      for (const key of ALL_KEYS) expect(detect(oneTone({ key, lowDeviation, highDeviation }))).toBe(key);
    },
  );

  it.each([
    [0.035, 0],
    [-0.035, 0],
    [0, 0.035],
    [0, -0.035],
    [0.05, 0.05],
  ])(
    'rejects every key with deviations of %p (low) and %p (high) (Q.24 reject band)',
    (lowDeviation, highDeviation) => {
      for (const key of ALL_KEYS) expect(detect(oneTone({ key, lowDeviation, highDeviation }))).toBe('');
    },
  );

  it('accepts a 40 ms tone and rejects a 20 ms one', () => {
    for (const key of '19*#') {
      expect(detect(oneTone({ key, ms: 40 }))).toBe(key);
      expect(detect(oneTone({ key, ms: 20 }))).toBe('');
    }
  });

  it('accepts twist within the limits and rejects beyond them', () => {
    expect(detect(oneTone({ key: '5', lowDbm0: -12, highDbm0: -6 }))).toBe('5'); // high 6 dB louder
    expect(detect(oneTone({ key: '5', lowDbm0: -6, highDbm0: -12 }))).toBe('5'); // low 6 dB louder
    expect(detect(oneTone({ key: '5', lowDbm0: -18, highDbm0: -6 }))).toBe(''); // 12 dB normal twist
    expect(detect(oneTone({ key: '5', lowDbm0: -6, highDbm0: -18 }))).toBe(''); // 12 dB reverse twist
  });

  it('accepts quiet tones down to the minimum level and ignores quieter ones', () => {
    expect(detect(oneTone({ key: '8', lowDbm0: -26, highDbm0: -25 }))).toBe('8');
    expect(detect(oneTone({ key: '8', lowDbm0: -40, highDbm0: -40 }))).toBe('');
  });

  it('detects keys in noise at 15 dB signal-to-noise ratio', () => {
    const keys = '0123456789*#';
    expect(detect(withNoise(keySequence(keys, 80, 60), -20, 3))).toBe(keys);
  });

  it('reports nothing for noise that drowns the tones, or for noise alone', () => {
    expect(detect(withNoise(keySequence('123'), 0, 5))).toBe('');
    expect(detect(withNoise(silence(3000), -10, 9))).toBe('');
  });

  it('reports nothing for a single frequency of a pair', () => {
    expect(detect(oneTone({ key: '1', lowDbm0: -6, highDbm0: -80 }))).toBe('');
    expect(detect(oneTone({ key: '1', lowDbm0: -80, highDbm0: -6 }))).toBe('');
  });

  it('does not talk off on speech-like sounds', () => {
    for (let seed = 1; seed <= 10; seed++) expect(detect(speechLike(1500, seed))).toBe('');
  });

  it('finds digits pressed while the caller speaks softly in the background', () => {
    const voice = speechLike(1000, 4).map((x) => x / 6);
    const tones = keySequence('42', 80, 80);
    const mixed = tones.map((x, i) => x + (voice[i % voice.length] as number));
    expect(detect(mixed)).toBe('42');
  });
});
