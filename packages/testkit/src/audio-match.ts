// Finding a known sound in a recording, and how loud it came out: for the tests that check what a phone
// heard (the operator of an agent-assisted call hears the caller's voice at its level, and the caller
// the operator's). The sound is located by cross-correlation (FFT) with the recording; its level
// is the recording's projection onto it (what is not correlated with it, e.g. a prompt mixed in or
// codec noise, does not count), per 400 ms piece, each piece aligned on its own so that a jitter
// buffer's slip of a frame does not spoil the rest.
import { readFileSync } from 'node:fs';
import { decodeG711 } from '@ivr/media';
import { concat, SAMPLE_RATE, seededRandom, silence } from './dtmf-signals';

const PIECE = 3200;

/**
 * Talk-like audio, different for every seed: voiced syllables (120-320 ms, each its own two formants and
 * a pitch drifting around the seed's, 90-220 Hz) and pauses (60-200 ms), about -15 dBm0 while voiced.
 */
export function talk(ms: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const out = new Float64Array(Math.round((ms * SAMPLE_RATE) / 1000));
  let pitch = 90 + 130 * random();
  let phase = 0;
  let i = 0;
  while (i < out.length) {
    const on = Math.round(((120 + 200 * random()) * SAMPLE_RATE) / 1000);
    const off = Math.round(((60 + 140 * random()) * SAMPLE_RATE) / 1000);
    const formants = [300 + 600 * random(), 900 + 1500 * random()];
    const glide = (random() - 0.5) * 40;
    for (let k = 0; k < on && i + k < out.length; k++) {
      const f0 = Math.max(80, pitch + (glide * k) / on);
      phase += (2 * Math.PI * f0) / SAMPLE_RATE;
      let x = 0;
      for (let h = 1; h * f0 < 3400; h++) {
        const f = h * f0;
        const gain = formants.reduce((g, fm) => g + 1 / (1 + ((f - fm) / 120) ** 2), 0.03);
        x += (gain / Math.sqrt(h)) * Math.sin(h * phase);
      }
      const fade = Math.min(k, on - k, 80) / 80; // 10 ms edges, no clicks
      out[i + k] = x * 5000 * fade;
    }
    pitch = Math.min(220, Math.max(90, pitch + (random() - 0.5) * 30));
    i += on + off;
  }
  return out;
}

/** A raw G.711 µ-law file (the vault's prompts) as 16-bit samples. */
export function readUlaw(file: string): Int16Array {
  const bytes = readFileSync(file);
  const out = new Int16Array(bytes.length);
  decodeG711('PCMU', bytes, out);
  return out;
}

/** `parts` of talk separated by silence, as one signal (what a phone plays). */
export function withPauses(parts: Float64Array[], pauseMs: number): Float64Array {
  return concat(parts.flatMap((p) => [p, silence(pauseMs)]));
}

export interface Found {
  /** Where the sound starts in the recording (samples). */
  offset: number;
  /** Its level there against the original (median of its pieces), in dB: 0 is as loud. */
  gainDb: number;
  /** Median normalized correlation of the pieces with the recording (1: nothing else was heard). */
  correlation: number;
}

/** In-place radix-2 FFT (`inverse` without the 1/n). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i] as number;
      re[i] = re[j] as number;
      re[j] = r;
      const m = im[i] as number;
      im[i] = im[j] as number;
      im[j] = m;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = (re[b] as number) * cr - (im[b] as number) * ci;
        const ti = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** Normalized cross-correlation of `ref` at every offset of `rec` (FFT), best offset at or after `from`. */
function bestOffset(ref: ArrayLike<number>, rec: ArrayLike<number>, from: number): { at: number; correlation: number } {
  let n = 1;
  while (n < rec.length + ref.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  for (let i = 0; i < rec.length; i++) ar[i] = rec[i] as number;
  for (let i = 0; i < ref.length; i++) br[i] = ref[i] as number;
  fft(ar, ai, false);
  fft(br, bi, false);
  for (let k = 0; k < n; k++) {
    // rec × conj(ref): the correlation of ref sliding along rec.
    const r = (ar[k] as number) * (br[k] as number) + (ai[k] as number) * (bi[k] as number);
    const i = (ai[k] as number) * (br[k] as number) - (ar[k] as number) * (bi[k] as number);
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  let refEnergy = 0;
  for (let i = 0; i < ref.length; i++) refEnergy += (ref[i] as number) ** 2;
  const prefix = new Float64Array(rec.length + 1);
  for (let i = 0; i < rec.length; i++) prefix[i + 1] = (prefix[i] as number) + (rec[i] as number) ** 2;
  let best = { at: -1, correlation: 0 };
  for (let at = from; at + ref.length <= rec.length; at++) {
    const e = (prefix[at + ref.length] as number) - (prefix[at] as number);
    if (e <= 0 || refEnergy <= 0) continue;
    const c = (ar[at] as number) / n / Math.sqrt(e * refEnergy);
    if (c > best.correlation) best = { at, correlation: c };
  }
  return best;
}

/** The best alignment of `ref[start, end)` near `around` (±`span` samples): correlation and gain. */
function align(
  ref: ArrayLike<number>,
  start: number,
  end: number,
  rec: ArrayLike<number>,
  around: number,
  span: number,
) {
  let best = { at: around, correlation: -1, gain: 0 };
  let energy = 0;
  for (let i = start; i < end; i++) energy += (ref[i] as number) ** 2;
  for (let at = around - span; at <= around + span; at++) {
    if (at < 0 || at + (end - start) > rec.length) continue;
    let dot = 0;
    let recEnergy = 0;
    for (let i = start; i < end; i++) {
      const y = rec[at + i - start] as number;
      dot += (ref[i] as number) * y;
      recEnergy += y * y;
    }
    const correlation = energy === 0 || recEnergy === 0 ? 0 : dot / Math.sqrt(energy * recEnergy);
    if (correlation > best.correlation) best = { at, correlation, gain: energy === 0 ? 0 : dot / energy };
  }
  return best;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Where `reference` is in `recording` (at or after sample `from`) and how loud; undefined if it is not. */
export function locate(reference: ArrayLike<number>, recording: ArrayLike<number>, from = 0): Found | undefined {
  const found = bestOffset(reference, recording, from);
  if (found.at < 0 || found.correlation < 0.2) return undefined;
  const coarse = found;
  const gains: number[] = [];
  const correlations: number[] = [];
  for (let start = 0; start + PIECE <= reference.length; start += PIECE) {
    let energy = 0;
    for (let i = start; i < start + PIECE; i++) energy += (reference[i] as number) ** 2;
    if (energy / PIECE < 1000 ** 2) continue; // a pause: nothing to measure
    const piece = align(reference, start, start + PIECE, recording, coarse.at + start, 160);
    gains.push(piece.gain);
    correlations.push(piece.correlation);
  }
  const gain = median(gains);
  return {
    offset: coarse.at,
    gainDb: gain > 0 ? 20 * Math.log10(gain) : Number.NEGATIVE_INFINITY,
    correlation: median(correlations),
  };
}
