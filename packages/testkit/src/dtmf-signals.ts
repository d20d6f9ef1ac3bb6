// Test signal generators: DTMF tone pairs, noise and speech-like sounds at 8 kHz, passed through
// G.711 like audio from a real phone line.
import { type Codec, decodeG711, encodeG711 } from '@ivr/media';

export const SAMPLE_RATE = 8000;
const AMPLITUDE_0_DBM0 = 22230;
export const LOW: Record<string, number> = {
  '1': 697,
  '2': 697,
  '3': 697,
  A: 697,
  '4': 770,
  '5': 770,
  '6': 770,
  B: 770,
  '7': 852,
  '8': 852,
  '9': 852,
  C: 852,
  '*': 941,
  '0': 941,
  '#': 941,
  D: 941,
};
export const HIGH: Record<string, number> = {
  '1': 1209,
  '4': 1209,
  '7': 1209,
  '*': 1209,
  '2': 1336,
  '5': 1336,
  '8': 1336,
  '0': 1336,
  '3': 1477,
  '6': 1477,
  '9': 1477,
  '#': 1477,
  A: 1633,
  B: 1633,
  C: 1633,
  D: 1633,
};

export function amplitude(dbm0: number): number {
  return AMPLITUDE_0_DBM0 * 10 ** (dbm0 / 20);
}

/** A seeded pseudo-random generator, so that noisy tests are repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ToneSpec {
  key: string;
  ms: number;
  /** Relative frequency error of the low and high tone (0.015 = +1.5 %). */
  lowDeviation?: number;
  highDeviation?: number;
  lowDbm0?: number;
  highDbm0?: number;
}

/** Appends a DTMF tone pair to a float signal. */
export function tone(spec: ToneSpec): Float64Array {
  const n = Math.round((spec.ms * SAMPLE_RATE) / 1000);
  const fl = (LOW[spec.key] as number) * (1 + (spec.lowDeviation ?? 0));
  const fh = (HIGH[spec.key] as number) * (1 + (spec.highDeviation ?? 0));
  const al = amplitude(spec.lowDbm0 ?? -8);
  const ah = amplitude(spec.highDbm0 ?? -6);
  return Float64Array.from({ length: n }, (_, i) => {
    const t = i / SAMPLE_RATE;
    return al * Math.sin(2 * Math.PI * fl * t) + ah * Math.sin(2 * Math.PI * fh * t + 0.7);
  });
}

export function silence(ms: number): Float64Array {
  return new Float64Array(Math.round((ms * SAMPLE_RATE) / 1000));
}

export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Adds white Gaussian noise at the given level (dBm0 of its RMS). */
export function withNoise(signal: Float64Array, noiseDbm0: number, seed = 1): Float64Array {
  const random = seededRandom(seed);
  const rms = amplitude(noiseDbm0) / Math.SQRT2;
  return signal.map((x) => {
    const gaussian = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    return x + rms * gaussian;
  });
}

/** A crude voiced sound: a gliding pitch with many harmonics shaped by two formants (like a vowel). */
export function speechLike(ms: number, seed = 7): Float64Array {
  const random = seededRandom(seed);
  const n = Math.round((ms * SAMPLE_RATE) / 1000);
  const out = new Float64Array(n);
  let phase = 0;
  const formants = [700 + 300 * random(), 1200 + 600 * random()];
  for (let i = 0; i < n; i++) {
    const pitch = 110 + 60 * Math.sin((2 * Math.PI * i) / 4000) + 10 * random();
    phase += (2 * Math.PI * pitch) / SAMPLE_RATE;
    let x = 0;
    for (let h = 1; h * pitch < 3400; h++) {
      const f = h * pitch;
      const gain = formants.reduce((g, fm) => g + 1 / (1 + ((f - fm) / 150) ** 2), 0.05);
      x += (gain / h ** 0.5) * Math.sin(h * phase);
    }
    out[i] = x * 8000; // about -10 dBm0, as loud as the tones
  }
  return out;
}

/** Rounds to 16-bit PCM through a G.711 encode/decode, like audio that came over RTP. */
export function throughG711(signal: Float64Array, codec: Codec = 'PCMU'): Int16Array {
  const pcm = Int16Array.from(signal, (x) => Math.max(-32768, Math.min(32767, Math.round(x))));
  const out = new Int16Array(pcm.length);
  decodeG711(codec, encodeG711(codec, pcm), out);
  return out;
}

/** Encodes a signal as G.711 and cuts it into 20 ms payloads. */
export function g711Frames(signal: Float64Array, codec: Codec = 'PCMU'): Uint8Array[] {
  const pcm = Int16Array.from(signal, (x) => Math.max(-32768, Math.min(32767, Math.round(x))));
  const encoded = encodeG711(codec, pcm);
  const frames: Uint8Array[] = [];
  for (let i = 0; i + 160 <= encoded.length; i += 160) frames.push(encoded.subarray(i, i + 160));
  return frames;
}

/** A sequence of key presses with gaps between them. */
export function keySequence(keys: string, toneMs = 60, gapMs = 60, extra: Partial<ToneSpec> = {}): Float64Array {
  const parts: Float64Array[] = [silence(40)];
  for (const key of keys) parts.push(tone({ ...extra, key, ms: toneMs }), silence(gapMs));
  parts.push(silence(60));
  return concat(parts);
}
