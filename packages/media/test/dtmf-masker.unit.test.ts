// The masking transform on synthetic signals, judged by a DTMF decoder that shares no code with the
// vault (@ivr/testkit/reference-dtmf): after masking it must hear no key, and what is left of each
// tone (its energy still in the output, as milliseconds of the full tone) must stay far below 10 ms.
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
import { decodeDtmf, leakedToneMs, maskOffline } from '@ivr/testkit/reference-dtmf';
import { DtmfMasker, type DtmfMaskerOptions } from '../src';

const ALL_KEYS = '0123456789*#ABCD';

/** Runs 8 kHz audio through G.711 and a masker; returns the output aligned with the input. */
function mask(signal: Float64Array | Int16Array, options: Partial<DtmfMaskerOptions> = {}, armed = true) {
  return maskOffline(signal instanceof Int16Array ? signal : throughG711(signal), options, armed);
}

/** Keys laid out with known positions, so the leak of each tone can be measured. */
function keyed(keys: string, spec: Partial<ToneSpec>, background?: (n: number) => Float64Array) {
  const tones: { samples: Float64Array; at: number }[] = [];
  const parts: Float64Array[] = [silence(100)];
  let at = parts[0]?.length ?? 0;
  for (const key of keys) {
    const samples = tone({ ms: 70, ...spec, key });
    tones.push({ samples, at });
    const gap = silence(90);
    parts.push(samples, gap);
    at += samples.length + gap.length;
  }
  const clean = concat(parts);
  const sound = background?.(clean.length);
  const signal = sound ? clean.map((x, i) => x + (sound[i] as number)) : clean;
  return { signal, tones };
}

function worstLeakMs(tones: { samples: Float64Array; at: number }[], out: Int16Array): number {
  return Math.max(...tones.map(({ samples, at }) => leakedToneMs(samples, at, out, 0)));
}

function maskedShare(signal: Float64Array | Int16Array): number {
  const { masker } = mask(signal);
  return masker.stats.maskedSamples / signal.length;
}

describe('DTMF masking', () => {
  it('the independent decoder hears every key of the unmasked test signals', () => {
    expect(decodeDtmf(throughG711(keySequence(ALL_KEYS)))).toBe(ALL_KEYS);
    expect(decodeDtmf(throughG711(keyed(ALL_KEYS, {}).signal))).toBe(ALL_KEYS);
    expect(decodeDtmf(throughG711(keyed(ALL_KEYS, { ms: 25 }).signal))).toBe(ALL_KEYS);
  });

  it('masks all 16 keys, from their first sample: nothing decodable and under 1 ms of tone left per key', () => {
    // Onsets at every sample offset of a 5 ms sub-block, so no alignment lets a tone's start through.
    for (let offset = 0; offset < 40; offset += 3) {
      const { signal, tones } = keyed(ALL_KEYS, {});
      const shifted = concat([new Float64Array(offset), signal]);
      const { out } = mask(shifted);
      expect(decodeDtmf(out)).toBe('');
      expect(
        worstLeakMs(
          tones.map((t) => ({ ...t, at: t.at + offset })),
          out,
        ),
      ).toBeLessThan(1);
    }
  });

  it.each([
    ['Q.24 accept band (±1.5 %)', { lowDeviation: 0.015, highDeviation: -0.015 }],
    ['Q.24 reject band (±3.5 %), which loose decoders still take', { lowDeviation: -0.035, highDeviation: 0.035 }],
    ['±5 %', { lowDeviation: 0.05, highDeviation: 0.05 }],
    ['normal twist of 10 dB', { lowDbm0: -16, highDbm0: -6 }],
    ['reverse twist of 10 dB', { lowDbm0: -6, highDbm0: -16 }],
    ['quiet tones (-35 dBm0)', { lowDbm0: -36, highDbm0: -35 }],
    ['loud tones (0 dBm0)', { lowDbm0: -1, highDbm0: 0 }],
    ['long presses (400 ms)', { ms: 400 }],
  ])('masks keys at %s', (_, spec) => {
    const { signal, tones } = keyed(ALL_KEYS, spec);
    const { out } = mask(signal);
    expect(decodeDtmf(out)).toBe('');
    expect(worstLeakMs(tones, out)).toBeLessThan(1);
  });

  it('masks short tones down to 15 ms (multimon-ng decodes 20 ms); a 10 ms blip is not a key and may pass', () => {
    for (const ms of [15, 20, 25, 30, 40]) {
      for (const offset of [0, 13, 27]) {
        const { signal, tones } = keyed(ALL_KEYS, { ms });
        const { out } = mask(concat([new Float64Array(offset), signal]));
        expect(decodeDtmf(out)).toBe('');
        expect(
          worstLeakMs(
            tones.map((t) => ({ ...t, at: t.at + offset })),
            out,
          ),
        ).toBeLessThan(1);
      }
    }
    const { signal, tones } = keyed(ALL_KEYS, { ms: 10 });
    const { out } = mask(signal);
    expect(decodeDtmf(out)).toBe('');
    expect(worstLeakMs(tones, out)).toBeLessThanOrEqual(10.5);
  });

  it.each([20, 10, 3, 0])('masks keys in white noise at %p dB signal-to-noise ratio', (snr) => {
    const { signal, tones } = keyed(ALL_KEYS, {}, (n) => withNoise(new Float64Array(n), -4 - snr, 11 + snr));
    // Down to 3 dB the decoder still hears every key unmasked; at 0 dB most of them.
    expect(decodeDtmf(throughG711(signal)).length).toBeGreaterThanOrEqual(snr >= 3 ? 16 : 10);
    const { out } = mask(signal);
    expect(decodeDtmf(out)).toBe('');
    expect(worstLeakMs(tones, out)).toBeLessThan(1);
  });

  it('masks keys pressed while the caller speaks, softer or louder than the tones', () => {
    for (const gain of [0.3, 1, 2]) {
      const { signal, tones } = keyed(ALL_KEYS, {}, (n) => speechLike(n / 8 + 1, 5).map((x) => x * gain));
      const { out } = mask(signal);
      expect(decodeDtmf(out)).toBe('');
      expect(worstLeakMs(tones, out)).toBeLessThan(1);
    }
  });

  it('replaces every key by the same flat tone', () => {
    const one = mask(keyed('1', {}).signal).out;
    const nine = mask(keyed('9', {}).signal).out;
    const star = mask(keyed('*', { lowDeviation: 0.02, lowDbm0: -12 }).signal).out;
    expect(Buffer.from(one.buffer).equals(Buffer.from(nine.buffer))).toBe(true);
    expect(Buffer.from(one.buffer).equals(Buffer.from(star.buffer))).toBe(true);
    expect(one.some((x) => x !== 0)).toBe(true);
  });

  it('with comfort noise instead, masked keys sound like the background around them', () => {
    const { signal, tones } = keyed(ALL_KEYS, {}, (n) => withNoise(new Float64Array(n), -50, 3));
    const { out } = mask(signal, { fill: 'noise' });
    expect(decodeDtmf(out)).toBe('');
    expect(worstLeakMs(tones, out)).toBeLessThan(1);
    const rmsDb = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i++) sum += (out[i] as number) ** 2;
      return 10 * Math.log10(sum / (to - from));
    };
    const first = tones[0] as { samples: Float64Array; at: number };
    const during = rmsDb(first.at + 80, first.at + first.samples.length - 80);
    const before = rmsDb(0, first.at - 200);
    expect(Math.abs(during - before)).toBeLessThan(6);
  });

  it('lets most speech-like sound, noise and silence through (the vault tests its recorded prompts)', () => {
    let vowels = 0;
    for (let seed = 1; seed <= 10; seed++) vowels += maskedShare(speechLike(1000, seed)) / 10;
    expect(vowels).toBeLessThan(0.25); // steady two-formant vowels are the worst case (21 % measured)
    expect(maskedShare(withNoise(silence(3000), -20, 9))).toBe(0);
    expect(maskedShare(silence(1000))).toBe(0);
  });

  it('unarmed, passes everything, tones included, exactly one look-ahead late', () => {
    const signal = throughG711(concat([speechLike(300, 2), keySequence('42'), speechLike(300, 3)]));
    const { out, masker } = mask(signal, {}, false);
    expect(Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(signal.buffer))).toBe(true);
    expect(masker.stats.maskedSamples).toBe(0);
    expect(masker.delaySamples).toBe(320); // 40 ms
    expect(new DtmfMasker({ lookAheadMs: 30 }).delaySamples).toBe(240);
  });

  it('released at the end of a capture, masks the rest of the last key, then lets tones through again', () => {
    const masker = new DtmfMasker();
    masker.setActive(true);
    const last = throughG711(concat([silence(40), tone({ key: '7', ms: 200 }), silence(700)]));
    const later = throughG711(concat([tone({ key: '3', ms: 100 }), silence(200)]));
    const input = new Int16Array(last.length + later.length);
    input.set(last);
    input.set(later, last.length);
    const out = new Int16Array(input.length);
    for (let i = 0; i < input.length; i += 160) {
      // The capture completes 60 ms into the tone (the key was recognised).
      if (i === 800) masker.setActive(false);
      masker.process(input.subarray(i, i + 160), out.subarray(i, i + 160));
    }
    const d = masker.delaySamples;
    expect(decodeDtmf(out.subarray(d, d + last.length))).toBe('');
    expect(masker.masking).toBe(false);
    expect(decodeDtmf(out.subarray(d + last.length))).toBe('3');
  });

  it('armed while a tone sounds, masks what is still buffered and the rest of it', () => {
    const masker = new DtmfMasker();
    const sound = tone({ key: '5', ms: 300 });
    const input = throughG711(concat([silence(100), sound, silence(100)]));
    const out = new Int16Array(input.length);
    for (let i = 0; i < input.length; i += 160) {
      if (i === 1280) masker.setActive(true); // 60 ms into the tone, of which 20 ms have left
      masker.process(input.subarray(i, i + 160), out.subarray(i, i + 160));
    }
    const leaked = leakedToneMs(sound, 800, out.subarray(masker.delaySamples), 0);
    expect(leaked).toBeGreaterThan(19);
    expect(leaked).toBeLessThan(21);
  });

  it('forceMask (an RFC 4733 event) masks what is buffered and what follows for the given time', () => {
    const masker = new DtmfMasker();
    masker.setActive(true);
    const voice = throughG711(speechLike(400, 4));
    const out = new Int16Array(voice.length);
    masker.process(voice.subarray(0, 1600), out.subarray(0, 1600));
    masker.forceMask(60);
    masker.process(voice.subarray(1600), out.subarray(1600));
    const aligned = out.subarray(masker.delaySamples);
    const voiceOf = (from: number, to: number) => Float64Array.from(voice.subarray(from, to));
    // Replaced from the first sample still buffered (1600 - 320) to 60 ms after the call (1600 + 480).
    expect(leakedToneMs(voiceOf(1280 + 16, 2080), 1280 + 16, aligned, 0)).toBeLessThan(0.5);
    expect(leakedToneMs(voiceOf(2200, 2800), 2200, aligned, 0)).toBeGreaterThan(74);
    expect(leakedToneMs(voiceOf(200, 1200), 200, aligned, 0)).toBeGreaterThan(124);
    expect(masker.stats.forced).toBe(1);
  });

  it('refuses a look-ahead it cannot honour', () => {
    expect(() => new DtmfMasker({ lookAheadMs: 33 })).toThrow(RangeError);
    expect(() => new DtmfMasker({ lookAheadMs: 20 })).toThrow(RangeError);
  });

  it('wipe overwrites the buffered audio', () => {
    const masker = new DtmfMasker();
    const out = new Int16Array(160);
    masker.process(throughG711(tone({ key: '8', ms: 20 })), out);
    masker.wipe();
    masker.process(new Int16Array(160), out);
    masker.process(new Int16Array(160), out);
    expect(out.every((x) => x === 0)).toBe(true);
  });
});
