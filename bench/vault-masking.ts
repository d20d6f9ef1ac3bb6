// DTMF masking quality (the audio an operator hears during a card field): per condition, how many keys
// two decoders that are not the vault's hear before and after masking (an eager Goertzel of the test kit
// and Debian's multimon-ng), and how much of each tone leaks (its energy left in the output, as ms of the
// full tone); how much speech is masked (false masking); the delay the look-ahead adds; and the masker's
// CPU cost per sample beside the raw ceilings of the same run (copying the samples, and the capture's
// own in-band detector).
// Run: make bench-vault (this part alone: tsx bench/vault-masking.ts)
import { PROMPT_IDS } from '@ivr/contracts';
import { buildVault } from '@ivr/dtmf-vault/in-process';
import { DtmfMasker, decodeG711, InbandDtmfDetector } from '@ivr/media';
import { concat, silence, speechLike, type ToneSpec, throughG711, tone, withNoise } from '@ivr/testkit/dtmf-signals';
import {
  decodeDtmf,
  leakedToneMs,
  maskOffline as masked,
  multimonAvailable,
  multimonDecode,
} from '@ivr/testkit/reference-dtmf';
import { fmt, printTable } from './stats';

const KEYS = '0123456789*#ABCD';
const OFFSETS = [0, 7, 13, 22, 31]; // onsets at different places in a 5 ms sub-block

interface Condition {
  name: string;
  spec: Partial<ToneSpec>;
  background?: (samples: number, seed: number) => Float64Array;
}

const conditions: Condition[] = [
  { name: 'nominal, 70 ms', spec: {} },
  { name: 'Q.24 accept ±1.5 %', spec: { lowDeviation: 0.015, highDeviation: -0.015 } },
  { name: 'Q.24 reject ±3.5 %', spec: { lowDeviation: -0.035, highDeviation: 0.035 } },
  { name: 'twist 10 dB', spec: { lowDbm0: -16, highDbm0: -6 } },
  { name: 'quiet, -35 dBm0', spec: { lowDbm0: -36, highDbm0: -35 } },
  { name: '20 ms tones', spec: { ms: 20 } },
  { name: 'white noise, SNR 10 dB', spec: {}, background: (n, s) => withNoise(new Float64Array(n), -14, s) },
  { name: 'white noise, SNR 0 dB', spec: {}, background: (n, s) => withNoise(new Float64Array(n), -4, s) },
  { name: 'speech 10 dB below', spec: {}, background: (n, s) => speechLike(n / 8 + 1, s).map((x) => 0.3 * x) },
  { name: 'speech as loud', spec: {}, background: (n, s) => speechLike(n / 8 + 1, s).map((x) => 1.5 * x) },
];

function condition(c: Condition, withMultimon: boolean): string[] {
  let unmaskedRef = 0;
  let unmaskedMm = 0;
  let maskedRef = 0;
  let maskedMm = 0;
  const leaks: number[] = [];
  for (const [k, offset] of OFFSETS.entries()) {
    const parts: Float64Array[] = [silence(100), new Float64Array(offset)];
    const tones: { samples: Float64Array; at: number }[] = [];
    let at = (parts[0]?.length ?? 0) + offset;
    for (const key of KEYS) {
      const samples = tone({ ms: 70, ...c.spec, key });
      tones.push({ samples, at });
      parts.push(samples, silence(90));
      at += samples.length + 720;
    }
    const clean = concat(parts);
    const sound = c.background?.(clean.length, k + 3);
    const pcm = throughG711(sound ? clean.map((x, i) => x + (sound[i] as number)) : clean);
    const { out } = masked(pcm);
    unmaskedRef += decodeDtmf(pcm).length;
    maskedRef += decodeDtmf(out).length;
    if (withMultimon) {
      unmaskedMm += multimonDecode(pcm).length;
      maskedMm += multimonDecode(out).length;
    }
    for (const t of tones) leaks.push(leakedToneMs(t.samples, t.at, out, 0));
  }
  const total = KEYS.length * OFFSETS.length;
  const mm = (n: number) => (withMultimon ? `${n}` : '-');
  return [
    c.name,
    `${unmaskedRef} / ${mm(unmaskedMm)}`,
    `${maskedRef} / ${mm(maskedMm)}`,
    `${fmt(leaks.reduce((a, b) => a + b, 0) / total, 2)} / ${fmt(Math.max(...leaks), 2)}`,
  ];
}

function falseMasking(): Array<[string, string]> {
  const { prompts } = buildVault({
    rtp: { address: '127.0.0.1', minPort: 40_000, maxPort: 40_010 },
    tokenizers: { forAccount: () => Promise.reject(new Error('unused')) },
    limits: { maxSessionMs: 1, rtpSilenceMs: 1, maxSessions: 1 },
  });
  const share = (pcm: Int16Array) => masked(pcm).masker.stats.maskedSamples / pcm.length;
  const speech = (language: 'en' | 'ja') => {
    const parts = PROMPT_IDS.map((id) => prompts.get(language, id));
    const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) offset += decodeG711('PCMU', p, pcm.subarray(offset));
    return pcm;
  };
  const en = speech('en');
  const ja = speech('ja');
  let vowels = 0;
  for (let seed = 1; seed <= 10; seed++) vowels += share(throughG711(speechLike(1000, seed))) / 10;
  const pct = (x: number) => `${fmt(100 * x, 1)} %`;
  return [
    [`recorded prompts, English (espeak-ng, ${fmt(en.length / 8000, 0)} s)`, pct(share(en))],
    [`recorded prompts, Japanese (Open JTalk, ${fmt(ja.length / 8000, 0)} s)`, pct(share(ja))],
    ['steady two-formant vowels (worst case, 10 s)', pct(vowels)],
    ['white noise at -20 dBm0 (10 s)', pct(share(throughG711(withNoise(silence(10_000), -20, 9))))],
  ];
}

function nsPerSample(run: (input: Int16Array, output: Int16Array) => void): number {
  const input = throughG711(concat([speechLike(1000, 3), tone({ key: '5', ms: 1000 })]));
  const output = new Int16Array(160);
  const rounds = 30;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i + 160 <= input.length; i += 160) run(input.subarray(i, i + 160), output);
  return Number(process.hrtime.bigint() - start) / (rounds * input.length);
}

function cost(): Array<[string, string]> {
  const armed = new DtmfMasker();
  armed.setActive(true);
  const unarmed = new DtmfMasker();
  const detector = new InbandDtmfDetector();
  const figures: Array<[string, number]> = [
    ['raw ceiling: copying the samples', nsPerSample((i, o) => o.set(i))],
    ['capture detector (InbandDtmfDetector)', nsPerSample((i) => detector.process(i))],
    ['masker, unarmed (delay line only)', nsPerSample((i, o) => unarmed.process(i, o))],
    ['masker, armed (a card field)', nsPerSample((i, o) => armed.process(i, o))],
  ];
  return figures.map(([name, ns]) => [name, `${fmt(ns, 1)} ns/sample, ${fmt(1e9 / (ns * 8000), 0)} streams per core`]);
}

function main(): void {
  const withMultimon = multimonAvailable();
  const rows = conditions.map((c) => condition(c, withMultimon));
  const total = KEYS.length * OFFSETS.length;
  printTable(
    `DTMF masking: ${total} keys per condition (16 keys × ${OFFSETS.length} onsets), decoded by the test kit's Goertzel / multimon-ng${withMultimon ? '' : ' (not installed)'}`,
    [
      ['condition', 'decoded unmasked / masked    leaked tone per key, mean / max ms'],
      ...rows.map((r): [string, string] => [
        r[0] ?? '',
        `${(r[1] ?? '').padEnd(9)} ${(r[2] ?? '').padEnd(18)} ${r[3]}`,
      ]),
    ],
  );
  printTable('DTMF masking: speech and noise masked by mistake (masker armed all along)', falseMasking());
  const lookAhead = new DtmfMasker().delaySamples / 8;
  printTable('DTMF masking: delay and cost', [
    ['delay added (look-ahead)', `${fmt(lookAhead, 0)} ms, whether armed or not`],
    ...cost(),
  ]);
}

main();
