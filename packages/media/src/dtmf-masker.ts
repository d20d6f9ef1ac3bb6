// DTMF masking for a listener who must not learn the keys (the operator of an agent-assisted call).
//
// The audio leaves a short look-ahead (40 ms by default) after it arrives. Every 5 ms sub-block of the
// input is correlated with a 50 Hz grid over both DTMF groups (600-1750 Hz, phase-referenced to the
// absolute sample index so that sub-blocks add up to longer windows) and with the eight DTMF
// frequencies, and every 20 ms window (the last four sub-blocks) is judged. A window holds a tone pair
// when either test says so:
//   A. tolerant of frequency (any tone within ±5 % of a key's): the strongest 150 Hz band (three
//      adjacent bins) of the low group (650-1000 Hz) and of the high group (1150-1700 Hz) carry at least
//      40 % of the window's energy together and 60 % of their own group's each (one tone per group, not
//      a row of harmonics), and the window is steady: its two inner sub-blocks within 3 dB of each
//      other, the outer ones no louder (a tone pair keeps its level; voiced speech pulses at its pitch);
//   B. as a Goertzel decoder listens (tolerant of speech around the tones): at the nominal frequencies,
//      the strongest of each group 2 dB above the others of its group, both together at least 40 % of
//      the window's energy;
// and, for both, each tone louder than -45 dBm0 and the two within 12 dB of each other. Each test is
// looser than a decoder's (a lower energy share and level, a wider twist, 15-20 ms of tone where
// multimon-ng needs 20 ms and a Q.24 receiver 40 ms): what a decoder could take for a key is masked, at
// the price of some speech that looks like a tone pair. docs/decisions/0011-dtmf-masking.md has the
// measurements.
//
// A window that holds a pair masks its own 20 ms, everything the look-ahead still holds before it (20 ms
// at 40 ms) and a hangover after it. Because the output runs a look-ahead behind the input, every window
// that can mask a sub-block has been judged before that sub-block leaves: a tone that starts anywhere in
// a sub-block is caught by the windows lying fully inside it in the next 5-20 ms, and its onset is
// replaced too. Masked audio becomes a flat tone (one frequency outside both DTMF groups, the same for
// every key) or comfort noise at the recent background level, with 2 ms cross-fades. An RFC 4733 event
// in progress masks everything buffered and what follows (`forceMask`).
//
// Masking is armed while a card field is captured; `setActive(false)` releases it only once no tone has
// been seen for `releaseMs`, so the tail of the key that completed the field is masked too. Unarmed, the
// audio passes unchanged, still a look-ahead late, so the delay never changes during a call.
// Cost while armed: 32 complex correlations per sample (about 0.5 M multiply-adds per second).

const SAMPLE_RATE = 8000;
/** Samples per sub-block: decisions are made per 5 ms. */
export const SUB_BLOCK = 40;
const WINDOW_SUBS = 4;
const N = SUB_BLOCK * WINDOW_SUBS; // 160 samples, 20 ms: the analysis window
const FIRST_BIN = 12; // 600 Hz; bin k is k * 50 Hz
const BIN_COUNT = 24; // 600-1750 Hz
const LOW_PEAKS = [13, 20] as const; // 650-1000 Hz: 697-941 Hz ±5 %
const HIGH_PEAKS = [23, 34] as const; // 1150-1700 Hz: 1209-1633 Hz ±5 %
const DELAY_RING = 1024; // a power of two; samples kept: the look-ahead and the sub-blocks re-read when masking is armed
const STATS_RING = 16; // sub-blocks whose correlations are kept
const FLAG_RING = 64;
const RAMP_SAMPLES = 16; // 2 ms cross-fade
// Sine amplitude of 0 dBm0 in the 16-bit domain G.711 decodes to.
const AMPLITUDE_0_DBM0 = 22230;

export type MaskFill = 'tone' | 'noise';

export interface DtmfMaskerOptions {
  /** Delay of the output, and the time a tone is watched before its onset must be decided: 30-60 ms, a multiple of 5. */
  lookAheadMs: number;
  /** Replacement of masked audio: a flat tone (the same for every key) or comfort noise. */
  fill: MaskFill;
  fillToneHz: number;
  fillToneDbm0: number;
  /** Share of a window's energy both groups' strongest 150 Hz bands must carry. */
  minPairEnergyRatio: number;
  /** Share of its group's energy (650-1000 Hz, 1150-1700 Hz) each strongest band must carry: one tone per group. */
  minGroupPurity: number;
  /** Largest level difference of a window's two inner 5 ms sub-blocks, in dB (the outer ones may only be quieter). */
  maxEnergySpreadDb: number;
  /** Share of a window's energy the strongest nominal frequency of each group must carry (as a decoder's test). */
  minNominalRatio: number;
  /** ... and by how much each must exceed the other nominal frequencies of its group, in dB. */
  minNominalPeakDb: number;
  /** Weakest tone of a pair that is masked, in dBm0. */
  minToneDbm0: number;
  /** Largest level difference of the two tones that is masked, in dB (Q.24 decoders accept about 8). */
  maxTwistDb: number;
  /** Masked after the last window that held a tone pair, in ms (a multiple of 5). */
  hangoverMs: number;
  /** After `setActive(false)`, masking goes on until no tone pair has been seen for this long. */
  releaseMs: number;
}

export const defaultMaskerOptions: DtmfMaskerOptions = {
  lookAheadMs: 40,
  fill: 'tone',
  fillToneHz: 500,
  fillToneDbm0: -24,
  minPairEnergyRatio: 0.4,
  minGroupPurity: 0.6,
  maxEnergySpreadDb: 3,
  minNominalRatio: 0.4,
  minNominalPeakDb: 2,
  minToneDbm0: -45,
  maxTwistDb: 12,
  hangoverMs: 15,
  releaseMs: 500,
};

export interface MaskerStats {
  /** Output samples replaced (wholly or in part) by the fill. */
  maskedSamples: number;
  /** 20 ms windows judged to hold a tone pair. */
  pairWindows: number;
  /** forceMask calls (RFC 4733 event packets). */
  forced: number;
}

// cos/sin of every bin at every phase of the 160-sample period (bin frequencies are multiples of 50 Hz).
const COS = new Float64Array(BIN_COUNT * N);
const SIN = new Float64Array(BIN_COUNT * N);
for (let b = 0; b < BIN_COUNT; b++)
  for (let p = 0; p < N; p++) {
    const angle = (2 * Math.PI * (FIRST_BIN + b) * p) / N;
    COS[b * N + p] = Math.cos(angle);
    SIN[b * N + p] = Math.sin(angle);
  }

// The eight DTMF frequencies, correlated per sub-block with local phase; windows rotate them into line.
const NOMINAL = [697, 770, 852, 941, 1209, 1336, 1477, 1633] as const;
const NCOS = new Float64Array(NOMINAL.length * SUB_BLOCK);
const NSIN = new Float64Array(NOMINAL.length * SUB_BLOCK);
const ROT_RE = new Float64Array(NOMINAL.length * WINDOW_SUBS);
const ROT_IM = new Float64Array(NOMINAL.length * WINDOW_SUBS);
NOMINAL.forEach((f, i) => {
  for (let j = 0; j < SUB_BLOCK; j++) {
    NCOS[i * SUB_BLOCK + j] = Math.cos((2 * Math.PI * f * j) / SAMPLE_RATE);
    NSIN[i * SUB_BLOCK + j] = Math.sin((2 * Math.PI * f * j) / SAMPLE_RATE);
  }
  for (let m = 0; m < WINDOW_SUBS; m++) {
    ROT_RE[i * WINDOW_SUBS + m] = Math.cos((2 * Math.PI * f * SUB_BLOCK * m) / SAMPLE_RATE);
    ROT_IM[i * WINDOW_SUBS + m] = Math.sin((2 * Math.PI * f * SUB_BLOCK * m) / SAMPLE_RATE);
  }
});

function meanSquareOfDbm0(dbm0: number): number {
  const amplitude = AMPLITUDE_0_DBM0 * 10 ** (dbm0 / 20);
  return (amplitude * amplitude) / 2;
}

export class DtmfMasker {
  readonly options: DtmfMaskerOptions;
  readonly stats: MaskerStats = { maskedSamples: 0, pairWindows: 0, forced: 0 };
  /** Samples between a sample's arrival and its departure. */
  readonly delaySamples: number;
  private readonly preRollSubs: number;
  private readonly hangoverSubs: number;
  private readonly releaseSamples: number;
  private readonly minToneMeanSquare: number;
  private readonly maxTwist: number;
  private readonly maxSpread: number;
  private readonly minNominalPeak: number;
  private readonly fillAmplitude: number;
  private readonly fillStep: number;

  private readonly delay = new Int16Array(DELAY_RING);
  /** Index of the next input sample (counts every sample since creation). */
  private written = 0;
  private readonly re = new Float64Array(STATS_RING * BIN_COUNT);
  private readonly im = new Float64Array(STATS_RING * BIN_COUNT);
  private readonly energy = new Float64Array(STATS_RING);
  private readonly power = new Float64Array(BIN_COUNT);
  private readonly block = new Float64Array(SUB_BLOCK);
  private readonly nre = new Float64Array(STATS_RING * NOMINAL.length);
  private readonly nim = new Float64Array(STATS_RING * NOMINAL.length);
  private readonly npower = new Float64Array(NOMINAL.length);
  private readonly flags = new Uint8Array(FLAG_RING);
  private armed = false;
  private wanted = false;
  private lastPairAt = -Infinity;
  private forceFrom = 0;
  private forceUntil = 0;
  private gain = 1;
  private phase = 0;
  private noiseState = 0x9e3779b9;
  /** Comfort-noise level (mean square); set by the first sub-block analysed. */
  private background = -1;

  constructor(options: Partial<DtmfMaskerOptions> = {}) {
    const o = { ...defaultMaskerOptions, ...options };
    const lookAheadSubs = Math.round((o.lookAheadMs * SAMPLE_RATE) / 1000 / SUB_BLOCK);
    if (lookAheadSubs * SUB_BLOCK * 1000 !== o.lookAheadMs * SAMPLE_RATE || lookAheadSubs < 6 || lookAheadSubs > 12)
      throw new RangeError('lookAheadMs must be a multiple of 5 between 30 and 60');
    this.options = o;
    this.delaySamples = lookAheadSubs * SUB_BLOCK;
    // A window decided when its last sub-block arrives may mask back to the oldest sub-block not yet sent.
    this.preRollSubs = lookAheadSubs - WINDOW_SUBS;
    this.hangoverSubs = Math.ceil((o.hangoverMs * SAMPLE_RATE) / 1000 / SUB_BLOCK);
    this.releaseSamples = (o.releaseMs * SAMPLE_RATE) / 1000;
    this.minToneMeanSquare = meanSquareOfDbm0(o.minToneDbm0);
    this.maxTwist = 10 ** (o.maxTwistDb / 10);
    this.maxSpread = 10 ** (o.maxEnergySpreadDb / 10);
    this.minNominalPeak = 10 ** (o.minNominalPeakDb / 10);
    this.fillAmplitude = AMPLITUDE_0_DBM0 * 10 ** (o.fillToneDbm0 / 20);
    this.fillStep = (2 * Math.PI * o.fillToneHz) / SAMPLE_RATE;
  }

  /** Whether masking is armed (capturing, or releasing after a capture). */
  get masking(): boolean {
    return this.armed;
  }

  /**
   * Arms masking (a card field is being captured) or asks for its release, which happens once no tone
   * pair has been seen for `releaseMs`. Arming judges the audio already buffered, so a tone that began
   * before is masked from the next sample that leaves.
   */
  setActive(active: boolean): void {
    this.wanted = active;
    if (!active || this.armed) return;
    this.armed = true;
    this.lastPairAt = this.written;
    const current = Math.floor(this.written / SUB_BLOCK); // the sub-block being filled
    const first = Math.max(0, current - this.preRollSubs - WINDOW_SUBS - this.hangoverSubs - 4);
    for (let c = first; c < current; c++) {
      this.correlate(c);
      if (c - first >= WINDOW_SUBS - 1) this.judge(c);
    }
  }

  /** Masks everything buffered and the next `ms` of input: an RFC 4733 event is in progress. */
  forceMask(ms: number): void {
    this.stats.forced++;
    const next = this.written - this.delaySamples; // next sample to leave
    if (this.forceUntil <= next) this.forceFrom = Math.max(0, next);
    this.forceUntil = Math.max(this.forceUntil, this.written + Math.round((ms * SAMPLE_RATE) / 1000));
    this.lastPairAt = Math.max(this.lastPairAt, this.forceUntil);
  }

  /** Takes `count` input samples and writes as many output samples, `delaySamples` older, to `output`. */
  process(input: Int16Array, output: Int16Array, count = input.length): void {
    const { delay } = this;
    for (let i = 0; i < count; i++) {
      const n = this.written;
      delay[n & (DELAY_RING - 1)] = input[i] as number;
      this.written = n + 1;
      if ((n + 1) % SUB_BLOCK === 0) this.subBlockDone((n + 1) / SUB_BLOCK - 1);
      const m = n - this.delaySamples;
      output[i] = m < 0 ? 0 : this.emit(m);
    }
  }

  /** Overwrites every buffered sample and forgets any tone in progress (end of call). */
  wipe(): void {
    this.delay.fill(0);
    this.re.fill(0);
    this.im.fill(0);
    this.energy.fill(0);
    this.power.fill(0);
    this.block.fill(0);
    this.flags.fill(0);
    this.forceUntil = 0;
    this.armed = false;
    this.wanted = false;
  }

  private subBlockDone(c: number): void {
    // Sub-block c+hangover+1 is not yet marked by any window: its flag slot last held an old sub-block.
    this.flags[(c + this.hangoverSubs + 1) % FLAG_RING] = 0;
    if (!this.armed) return;
    this.correlate(c);
    this.judge(c);
    if (!this.wanted && this.written - this.lastPairAt > this.releaseSamples) this.armed = false;
  }

  /** Correlates sub-block c with every bin, phase-referenced to the absolute sample index. */
  private correlate(c: number): void {
    const { block, re, im } = this;
    const slot = (c % STATS_RING) * BIN_COUNT;
    const start = c * SUB_BLOCK;
    const phase0 = start % N;
    let e = 0;
    for (let j = 0; j < SUB_BLOCK; j++) {
      const x = this.delay[(start + j) & (DELAY_RING - 1)] as number;
      block[j] = x;
      e += x * x;
    }
    this.energy[c % STATS_RING] = e;
    for (let b = 0; b < BIN_COUNT; b++) {
      const table = b * N + phase0;
      let sr = 0;
      let si = 0;
      for (let j = 0; j < SUB_BLOCK; j++) {
        const x = block[j] as number;
        sr += x * (COS[table + j] as number);
        si += x * (SIN[table + j] as number);
      }
      re[slot + b] = sr;
      im[slot + b] = si;
    }
    const nslot = (c % STATS_RING) * NOMINAL.length;
    for (let f = 0; f < NOMINAL.length; f++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < SUB_BLOCK; j++) {
        const x = block[j] as number;
        sr += x * (NCOS[f * SUB_BLOCK + j] as number);
        si += x * (NSIN[f * SUB_BLOCK + j] as number);
      }
      this.nre[nslot + f] = sr;
      this.nim[nslot + f] = si;
    }
    // Comfort-noise level: follows quiet sub-blocks down at once and rises slowly (3 dB/s), at most -40 dBm0.
    const meanSquare = e / SUB_BLOCK;
    if (this.background < 0) this.background = meanSquare;
    this.background = Math.min(
      meanSquareOfDbm0(-40),
      Math.max(meanSquareOfDbm0(-70), meanSquare < this.background ? meanSquare : this.background * 1.0035),
    );
  }

  /** Judges the window of sub-blocks c-3..c and marks what it masks. */
  private judge(c: number): void {
    const { re, im, power } = this;
    // Steadiness: the two inner sub-blocks within maxSpread of each other, the outer ones no louder
    // (a tone may start or end in them, leaving them quieter).
    const e0 = this.energy[(c - 3 + STATS_RING) % STATS_RING] as number;
    const e1 = this.energy[(c - 2 + STATS_RING) % STATS_RING] as number;
    const e2 = this.energy[(c - 1 + STATS_RING) % STATS_RING] as number;
    const e3 = this.energy[c % STATS_RING] as number;
    const energy = e0 + e1 + e2 + e3;
    const inner = Math.max(e1, e2);
    const steady =
      Math.min(e1, e2) * this.maxSpread >= inner && e0 <= inner * this.maxSpread && e3 <= inner * this.maxSpread;
    for (let b = 0; b < BIN_COUNT; b++) {
      let sr = 0;
      let si = 0;
      for (let s = c - WINDOW_SUBS + 1; s <= c; s++) {
        const slot = ((s + STATS_RING) % STATS_RING) * BIN_COUNT + b;
        sr += re[slot] as number;
        si += im[slot] as number;
      }
      power[b] = sr * sr + si * si;
    }
    // X(f) = Σ_m e^{-j2πf·40m/fs}·X_m(f) with X_m = Σ x·(cos - j·sin) over sub-block m's own samples.
    for (let f = 0; f < NOMINAL.length; f++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < WINDOW_SUBS; m++) {
        const slot = ((c - WINDOW_SUBS + 1 + m + STATS_RING) % STATS_RING) * NOMINAL.length + f;
        const a = this.nre[slot] as number;
        const b = -(this.nim[slot] as number);
        const cr = ROT_RE[f * WINDOW_SUBS + m] as number;
        const ci = -(ROT_IM[f * WINDOW_SUBS + m] as number);
        sr += a * cr - b * ci;
        si += a * ci + b * cr;
      }
      this.npower[f] = sr * sr + si * si;
    }
    if (energy <= 0 || !(this.holdsPair(energy, steady) || this.decoderWouldHear(energy))) return;
    this.stats.pairWindows++;
    this.lastPairAt = this.written;
    const from = c - WINDOW_SUBS + 1 - this.preRollSubs;
    for (let s = from; s <= c + this.hangoverSubs; s++) if (s >= 0) this.flags[s % FLAG_RING] = 1;
  }

  /** Whether the window whose bin powers are in `power` holds a tone pair. */
  private holdsPair(energy: number, steady: boolean): boolean {
    const low = this.band(LOW_PEAKS);
    const high = this.band(HIGH_PEAKS);
    // On a bin, a sine of amplitude A gives |X|² = (A·N/2)² and mean square A²/2 = 2|X|²/N².
    const lowMeanSquare = (2 * low.power) / (N * N);
    const highMeanSquare = (2 * high.power) / (N * N);
    const o = this.options;
    if (lowMeanSquare < this.minToneMeanSquare || highMeanSquare < this.minToneMeanSquare) return false;
    if (highMeanSquare > lowMeanSquare * this.maxTwist || lowMeanSquare > highMeanSquare * this.maxTwist) return false;
    const ratio = (2 * (low.power + high.power)) / (N * energy);
    const purity = Math.min(low.power / low.group, high.power / high.group);
    return steady && ratio >= o.minPairEnergyRatio && purity >= o.minGroupPurity;
  }

  /** What a Goertzel decoder looks at: the nominal frequencies, their share of the energy, the group peaks. */
  private decoderWouldHear(energy: number): boolean {
    const p = this.npower;
    const top = (from: number) => {
      let best = from;
      for (let i = from + 1; i < from + 4; i++) if ((p[i] as number) > (p[best] as number)) best = i;
      let second = 0;
      for (let i = from; i < from + 4; i++) if (i !== best && (p[i] as number) > second) second = p[i] as number;
      return { power: p[best] as number, second };
    };
    const low = top(0);
    const high = top(4);
    const lowMeanSquare = (2 * low.power) / (N * N);
    const highMeanSquare = (2 * high.power) / (N * N);
    if (lowMeanSquare < this.minToneMeanSquare || highMeanSquare < this.minToneMeanSquare) return false;
    if (highMeanSquare > lowMeanSquare * this.maxTwist || lowMeanSquare > highMeanSquare * this.maxTwist) return false;
    if (low.power < low.second * this.minNominalPeak || high.power < high.second * this.minNominalPeak) return false;
    return (2 * (low.power + high.power)) / (N * energy) >= this.options.minNominalRatio;
  }

  /** Power of the strongest three adjacent bins whose centre lies in [first, last], and of the whole group. */
  private band([first, last]: readonly [number, number]): { power: number; group: number } {
    const { power } = this;
    let best = 0;
    let group = 0;
    for (let k = first - 1; k <= last + 1; k++) group += power[k - FIRST_BIN] as number;
    for (let k = first; k <= last; k++) {
      const b = k - FIRST_BIN;
      const sum = (power[b - 1] as number) + (power[b] as number) + (power[b + 1] as number);
      if (sum > best) best = sum;
    }
    return { power: best, group };
  }

  private emit(m: number): number {
    const x = this.delay[m & (DELAY_RING - 1)] as number;
    const masked =
      this.flags[Math.floor(m / SUB_BLOCK) % FLAG_RING] === 1 || (m >= this.forceFrom && m < this.forceUntil);
    const target = masked ? 0 : 1;
    if (this.gain === 1 && target === 1) return x;
    this.gain = target === 0 ? Math.max(0, this.gain - 1 / RAMP_SAMPLES) : Math.min(1, this.gain + 1 / RAMP_SAMPLES);
    this.stats.maskedSamples++;
    const y = this.gain * x + (1 - this.gain) * this.fillSample();
    return y > 32767 ? 32767 : y < -32768 ? -32768 : Math.round(y);
  }

  private fillSample(): number {
    if (this.options.fill === 'tone') {
      this.phase += this.fillStep;
      if (this.phase > 2 * Math.PI) this.phase -= 2 * Math.PI;
      return this.fillAmplitude * Math.sin(this.phase);
    }
    // xorshift32, uniform in [-1, 1) scaled to the background's RMS (uniform RMS is 1/√3).
    let s = this.noiseState;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.noiseState = s >>> 0;
    return ((this.noiseState / 2147483648 - 1) * Math.sqrt(3 * this.background)) | 0;
  }
}
