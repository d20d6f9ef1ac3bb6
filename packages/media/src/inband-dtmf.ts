// In-band DTMF detection on 8 kHz linear PCM, for peers that send no RFC 4733 telephone-events.
//
// Every 10 ms a 20 ms Hann-windowed block is analysed with the Goertzel algorithm at the eight DTMF
// frequencies. The strongest tone of each group is then located precisely (Goertzel on a 1 % grid
// around it, parabolic interpolation of the log power) so that the ITU-T Q.24 frequency tolerance
// can be applied: tones within ±1.5 % are accepted, tones off by more than 3.5 % are rejected (the
// decision threshold sits between the two). A block counts as a key only if both tones are loud
// enough, their levels differ no more than the twist limits, they carry most of the block's energy
// (speech and noise spread theirs) and the other frequencies of each group are clearly weaker.
// A key is reported after two consecutive hits (tones of about 40 ms and longer) and released after
// two misses, so one key press yields exactly one key.
import type { DtmfKey } from './dtmf-key';

const LOW_GROUP = [697, 770, 852, 941] as const;
const HIGH_GROUP = [1209, 1336, 1477, 1633] as const;
const KEYPAD: readonly (readonly DtmfKey[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

export interface InbandDetectorOptions {
  /** Largest accepted frequency deviation as a fraction (between Q.24's 1.5 % accept and 3.5 % reject). */
  maxDeviation: number;
  /** High-group tone louder than the low-group tone by at most this many dB. */
  maxNormalTwistDb: number;
  /** Low-group tone louder than the high-group tone by at most this many dB. */
  maxReverseTwistDb: number;
  /** Weakest tone accepted, in dBm0. */
  minToneLevelDbm0: number;
  /** Share of the block's energy the two tones must carry (signal-to-noise guard). */
  minToneEnergyRatio: number;
  /** The strongest frequency of a group must exceed the others of its group by this many dB. */
  minGroupPeakDb: number;
}

export const defaultInbandOptions: InbandDetectorOptions = {
  maxDeviation: 0.025,
  maxNormalTwistDb: 8,
  maxReverseTwistDb: 8,
  minToneLevelDbm0: -30,
  minToneEnergyRatio: 0.7,
  minGroupPeakDb: 6,
};

const SAMPLE_RATE = 8000;
const BLOCK = 160;
const HOP = 80;
const HITS_TO_REPORT = 2;
const MISSES_TO_RELEASE = 2;
// Sine amplitude of 0 dBm0 in the 16-bit domain G.711 decodes to (+3.17 dBm0 is full scale, 32124).
const AMPLITUDE_0_DBM0 = 22230;
const GRID_STEP = 0.01;
const GRID_HALF_WIDTH = 5; // grid points each side: ±5 %

/** What `process` returns when it heard no key (most calls): never written to. */
const NO_KEYS: readonly DtmfKey[] = [];

const hann = Float64Array.from({ length: BLOCK }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / BLOCK));

/** Goertzel power |X(f)|² of a windowed block. */
function goertzelPower(block: Float64Array, frequency: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < block.length; i++) {
    const s0 = (block[i] as number) + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** Mean square of a sine whose Hann-windowed Goertzel power is `power` (|X| = A·N/4). */
function toneMeanSquare(power: number): number {
  return (8 * power) / (BLOCK * BLOCK);
}

interface LocatedTone {
  index: number;
  deviation: number;
  meanSquare: number;
}

function strongest(powers: number[]): { index: number; runnerUp: number } {
  let index = 0;
  for (let i = 1; i < powers.length; i++) if ((powers[i] as number) > (powers[index] as number)) index = i;
  const runnerUp = Math.max(...powers.filter((_, i) => i !== index));
  return { index, runnerUp };
}

/** Finds the true frequency near `nominal` on a ±5 % grid; undefined if the peak lies at the grid's edge. */
function locate(
  block: Float64Array,
  nominal: number,
  nominalPower: number,
): { deviation: number; power: number } | undefined {
  const logs: number[] = [];
  for (let k = -GRID_HALF_WIDTH; k <= GRID_HALF_WIDTH; k++) {
    const p = k === 0 ? nominalPower : goertzelPower(block, nominal * (1 + k * GRID_STEP));
    logs.push(Math.log(p + 1e-9));
  }
  let peak = 0;
  for (let i = 1; i < logs.length; i++) if ((logs[i] as number) > (logs[peak] as number)) peak = i;
  if (peak === 0 || peak === logs.length - 1) return undefined;
  const left = logs[peak - 1] as number;
  const centre = logs[peak] as number;
  const right = logs[peak + 1] as number;
  const curvature = left + right - 2 * centre;
  const offset = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
  const logPeak = centre - 0.25 * (left - right) * offset;
  return { deviation: (peak - GRID_HALF_WIDTH + offset) * GRID_STEP, power: Math.exp(logPeak) };
}

export class InbandDtmfDetector {
  private readonly options: InbandDetectorOptions;
  private readonly minToneMeanSquare: number;
  private readonly ring = new Float64Array(BLOCK);
  private readonly block = new Float64Array(BLOCK);
  private ringPosition = 0;
  private filled = 0;
  private sinceAnalysis = 0;
  private candidate: DtmfKey | undefined;
  private hits = 0;
  private misses = 0;
  private reported = false;

  constructor(options: Partial<InbandDetectorOptions> = {}) {
    this.options = { ...defaultInbandOptions, ...options };
    const amplitude = AMPLITUDE_0_DBM0 * 10 ** (this.options.minToneLevelDbm0 / 20);
    this.minToneMeanSquare = (amplitude * amplitude) / 2;
  }

  /** Feeds linear PCM samples (any count) and returns the keys whose press was recognised in them. */
  process(samples: Int16Array, count = samples.length): readonly DtmfKey[] {
    let keys: DtmfKey[] | undefined;
    // Samples go into the ring in runs up to the next analysis point (a hop since the last one, with a
    // full block behind it): the same blocks, analysed at the same samples, as one sample at a time.
    for (let i = 0; i < count; ) {
      const untilAnalysis = Math.max(HOP - this.sinceAnalysis, BLOCK - this.filled, 1);
      const run = Math.min(count - i, untilAnalysis);
      this.push(samples, i, run);
      i += run;
      this.sinceAnalysis += run;
      this.filled = Math.min(BLOCK, this.filled + run);
      if (run === untilAnalysis) {
        this.sinceAnalysis = 0;
        const key = this.track(this.analyse());
        if (key) {
          keys = keys ?? [];
          keys.push(key);
        }
      }
    }
    return keys ?? NO_KEYS;
  }

  /** Copies `run` samples from `samples[from]` into the ring (at most a block: older ones are overwritten anyway). */
  private push(samples: Int16Array, from: number, run: number): void {
    const { ring } = this;
    let at = this.ringPosition;
    for (let i = from; i < from + run; i++) {
      ring[at] = samples[i] as number;
      if (++at === BLOCK) at = 0;
    }
    this.ringPosition = at;
  }

  /** Forgets any tone in progress (e.g. when the audio source changes). */
  reset(): void {
    this.ring.fill(0);
    this.filled = 0;
    this.sinceAnalysis = 0;
    this.candidate = undefined;
    this.hits = 0;
    this.misses = 0;
    this.reported = false;
  }

  private track(hit: DtmfKey | undefined): DtmfKey | undefined {
    if (hit === undefined) {
      if (++this.misses >= MISSES_TO_RELEASE) {
        this.candidate = undefined;
        this.hits = 0;
        this.reported = false;
      }
      return undefined;
    }
    this.misses = 0;
    if (hit !== this.candidate) {
      this.candidate = hit;
      this.hits = 0;
      this.reported = false;
    }
    this.hits++;
    if (this.hits >= HITS_TO_REPORT && !this.reported) {
      this.reported = true;
      return hit;
    }
    return undefined;
  }

  /** Decides whether the current block holds a valid DTMF tone pair. */
  private analyse(): DtmfKey | undefined {
    // The energy first, in ring order (a sum of integer squares, exact in any order): most blocks are
    // too quiet to hold a tone, and need no window.
    const { ring, block } = this;
    let energy = 0;
    for (let n = 0; n < BLOCK; n++) {
      const x = ring[n] as number;
      energy += x * x;
    }
    const meanSquare = energy / BLOCK;
    if (meanSquare < 2 * this.minToneMeanSquare) return undefined;
    const start = this.ringPosition;
    for (let n = 0; n < BLOCK; n++) {
      const at = start + n;
      block[n] = (ring[at < BLOCK ? at : at - BLOCK] as number) * (hann[n] as number);
    }

    const low = this.strongestTone(LOW_GROUP);
    const high = this.strongestTone(HIGH_GROUP);
    if (!low || !high) return undefined;
    const { options } = this;
    if (low.meanSquare < this.minToneMeanSquare || high.meanSquare < this.minToneMeanSquare) return undefined;
    const twistDb = 10 * Math.log10(high.meanSquare / low.meanSquare);
    if (twistDb > options.maxNormalTwistDb || -twistDb > options.maxReverseTwistDb) return undefined;
    if ((low.meanSquare + high.meanSquare) / meanSquare < options.minToneEnergyRatio) return undefined;
    return KEYPAD[low.index]?.[high.index];
  }

  private strongestTone(group: readonly number[]): LocatedTone | undefined {
    const powers = group.map((f) => goertzelPower(this.block, f));
    const { index, runnerUp } = strongest(powers);
    const nominalPower = powers[index] as number;
    if (10 * Math.log10(nominalPower / (runnerUp + 1e-9)) < this.options.minGroupPeakDb) return undefined;
    const located = locate(this.block, group[index] as number, nominalPower);
    if (!located || Math.abs(located.deviation) > this.options.maxDeviation) return undefined;
    return { index, deviation: located.deviation, meanSquare: toneMeanSquare(located.power) };
  }
}
