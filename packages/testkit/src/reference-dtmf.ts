// Judges of masked audio that share no code with the vault's detectors: an independent DTMF decoder (a classic
// Goertzel over 205-sample blocks, as in the TI and ADI application notes, tuned to be more eager than
// Q.24 asks so that "it decodes nothing" is a strong statement), Debian's multimon-ng, and the leak
// measure of a tone (how much of its energy is still in the output, as milliseconds of the full tone).
import { spawnSync } from 'node:child_process';
import { DtmfMasker, type DtmfMaskerOptions } from '@ivr/media';

const RATE = 8000;
const BLOCK = 205; // 25.6 ms
const HOP = 41; // 5.1 ms
const LOW = [697, 770, 852, 941];
const HIGH = [1209, 1336, 1477, 1633];
const KEYS = ['123A', '456B', '789C', '*0#D'];
const AMPLITUDE_0_DBM0 = 22230;

export interface ReferenceDecoderOptions {
  /** Consecutive hits (5.1 ms apart) that make a key: 3 means a tone of about 36 ms is enough. */
  hits: number;
  /** Share of the block's energy the two tones must carry. */
  minRatio: number;
  maxTwistDb: number;
  /** The strongest frequency of a group must exceed the others by this many dB. */
  minGroupPeakDb: number;
  minToneDbm0: number;
}

export const eagerDecoder: ReferenceDecoderOptions = {
  hits: 3,
  minRatio: 0.5,
  maxTwistDb: 10,
  minGroupPeakDb: 3,
  minToneDbm0: -45,
};

function goertzel(x: ArrayLike<number>, start: number, frequency: number): number {
  const c = 2 * Math.cos((2 * Math.PI * frequency) / RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + BLOCK; i++) {
    const s0 = (x[i] as number) + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

function hit(x: ArrayLike<number>, start: number, o: ReferenceDecoderOptions): string | undefined {
  let energy = 0;
  for (let i = start; i < start + BLOCK; i++) energy += (x[i] as number) ** 2;
  if (energy === 0) return undefined;
  const low = LOW.map((f) => goertzel(x, start, f));
  const high = HIGH.map((f) => goertzel(x, start, f));
  const pick = (p: number[]) => {
    const sorted = [...p].sort((a, b) => b - a);
    return { index: p.indexOf(sorted[0] as number), best: sorted[0] as number, second: sorted[1] as number };
  };
  const l = pick(low);
  const h = pick(high);
  // A sine of amplitude A at a Goertzel frequency: |X|² ≈ (A·N/2)², mean square A²/2 = 2|X|²/N².
  const minPower = ((AMPLITUDE_0_DBM0 * 10 ** (o.minToneDbm0 / 20)) ** 2 / 2) * ((BLOCK * BLOCK) / 2);
  if (l.best < minPower || h.best < minPower) return undefined;
  if (Math.abs(10 * Math.log10(h.best / l.best)) > o.maxTwistDb) return undefined;
  if (10 * Math.log10(l.best / (l.second + 1e-9)) < o.minGroupPeakDb) return undefined;
  if (10 * Math.log10(h.best / (h.second + 1e-9)) < o.minGroupPeakDb) return undefined;
  if ((2 * (l.best + h.best)) / (BLOCK * energy) < o.minRatio) return undefined;
  return KEYS[l.index]?.[h.index];
}

/** The keys an independent Goertzel decoder hears in 8 kHz audio. */
export function decodeDtmf(signal: ArrayLike<number>, options: ReferenceDecoderOptions = eagerDecoder): string {
  let keys = '';
  let current: string | undefined;
  let count = 0;
  let reported = false;
  let misses = 0;
  for (let start = 0; start + BLOCK <= signal.length; start += HOP) {
    const key = hit(signal, start, options);
    if (key === undefined) {
      if (++misses >= options.hits) {
        current = undefined;
        reported = false;
        count = 0;
      }
      continue;
    }
    misses = 0;
    if (key !== current) {
      current = key;
      count = 0;
      reported = false;
    }
    if (++count >= options.hits && !reported) {
      reported = true;
      keys += key;
    }
  }
  return keys;
}

// 22050/8000 = 441/160: the output's position between input samples repeats every 441 outputs, so the
// windowed-sinc kernel is computed once per phase.
const TAPS = 16;
const PHASES = 441;
const KERNELS = Array.from({ length: PHASES }, (_, i) => {
  const t = (i * 160) / PHASES;
  const frac = t - Math.floor(t);
  return Float64Array.from({ length: 2 * TAPS }, (_, j) => {
    const d = frac + TAPS - 1 - j; // distance to input sample floor(t) - TAPS + 1 + j
    const sinc = d === 0 ? 1 : Math.sin(Math.PI * d) / (Math.PI * d);
    return sinc * (0.5 + 0.5 * Math.cos((Math.PI * d) / TAPS));
  });
});

/** 8 kHz to 22.05 kHz (multimon-ng's rate) by windowed-sinc interpolation. */
export function resampleTo22050(signal: ArrayLike<number>): Int16Array {
  const out = new Int16Array(Math.floor((signal.length * PHASES) / 160));
  for (let i = 0; i < out.length; i++) {
    const centre = Math.floor((i * 160) / PHASES);
    const kernel = KERNELS[i % PHASES] as Float64Array;
    let y = 0;
    for (let j = 0; j < 2 * TAPS; j++) {
      const k = centre - TAPS + 1 + j;
      if (k >= 0 && k < signal.length) y += (signal[k] as number) * (kernel[j] as number);
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(y)));
  }
  return out;
}

export function multimonAvailable(): boolean {
  return spawnSync('multimon-ng', ['-h'], { stdio: 'ignore' }).error === undefined;
}

/** The keys Debian's multimon-ng (DTMF demodulator) hears in 8 kHz audio. */
export function multimonDecode(signal: ArrayLike<number>): string {
  const raw = resampleTo22050(signal);
  const result = spawnSync('multimon-ng', ['-q', '-c', '-a', 'DTMF', '-t', 'raw', '-'], {
    input: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return [...result.stdout.matchAll(/^DTMF: (.)$/gm)].map((m) => m[1]).join('');
}

/**
 * How much of a tone is still in the output, as milliseconds of the full tone: the output's projection
 * onto the tone (which the fill and any other sound are not correlated with) over the tone's energy,
 * times its length. `outputOffset` is the output's delay in samples.
 */
export function leakedToneMs(
  tone: ArrayLike<number>,
  toneStart: number,
  output: ArrayLike<number>,
  outputOffset: number,
): number {
  let projection = 0;
  let energy = 0;
  for (let i = 0; i < tone.length; i++) {
    const x = tone[i] as number;
    projection += x * ((output[toneStart + outputOffset + i] as number) ?? 0);
    energy += x * x;
  }
  return energy === 0 ? 0 : (Math.max(0, projection / energy) * tone.length * 1000) / RATE;
}

/**
 * Runs 8 kHz audio through a masker (armed unless told otherwise) in 20 ms packets, as the vault's
 * bridge does, and returns the output aligned with the input (the look-ahead taken off).
 */
export function maskOffline(
  pcm: Int16Array,
  options: Partial<DtmfMaskerOptions> = {},
  armed = true,
): { out: Int16Array; masker: DtmfMasker } {
  const masker = new DtmfMasker(options);
  masker.setActive(armed);
  const length = Math.ceil((pcm.length + masker.delaySamples) / 160) * 160;
  const input = new Int16Array(length);
  input.set(pcm);
  const out = new Int16Array(length);
  for (let i = 0; i < length; i += 160) masker.process(input.subarray(i, i + 160), out.subarray(i, i + 160));
  return { out: out.subarray(masker.delaySamples, masker.delaySamples + pcm.length), masker };
}
