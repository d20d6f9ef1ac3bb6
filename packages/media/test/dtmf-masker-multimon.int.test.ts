// The masking transform judged by a decoder nobody here wrote: Debian's multimon-ng (DTMF demodulator,
// infra/apt/vault.txt). It is strict on frequency and twist but decodes tones as short as 20 ms, in
// noise down to 0 dB and under speech as loud as the tones, so "it hears every key before masking and
// none after" is a strong statement.
import { concat, silence, speechLike, type ToneSpec, throughG711, tone, withNoise } from '@ivr/testkit/dtmf-signals';
import { maskOffline, multimonAvailable, multimonDecode } from '@ivr/testkit/reference-dtmf';

const ALL_KEYS = '0123456789*#ABCD';

const masked = (pcm: Int16Array) => maskOffline(pcm).out;

function keys(spec: Partial<ToneSpec>, gapMs = 90): Float64Array {
  const parts = [silence(100)];
  for (const key of ALL_KEYS) parts.push(tone({ ms: 70, ...spec, key }), silence(gapMs));
  return concat(parts);
}

const mixed = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + (b[i % b.length] as number));

describe('masked audio through multimon-ng', () => {
  beforeAll(() => {
    if (!multimonAvailable()) throw new Error('multimon-ng is not installed: make setup installs infra/apt/vault.txt');
  });

  it.each([
    ['nominal keys', keys({})],
    ['20 ms keys', keys({ ms: 20 })],
    ['keys 1 % off with 4 dB twist (multimon-ng refuses 1.5 % and 6 dB)', keys({ lowDeviation: 0.01, lowDbm0: -10 })],
    ['keys in noise at 3 dB SNR', withNoise(keys({}), -7, 4)],
    [
      'keys over speech as loud as they are',
      mixed(
        keys({}),
        speechLike(3000, 6).map((x) => 1.5 * x),
      ),
    ],
  ])('%s: multimon-ng hears them unmasked and hears nothing masked', (_, signal) => {
    const pcm = throughG711(signal);
    expect(multimonDecode(pcm).length).toBeGreaterThanOrEqual(14);
    expect(multimonDecode(masked(pcm))).toBe('');
  });
});
