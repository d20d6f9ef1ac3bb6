// G.711 companding (ITU-T G.711) between 16-bit linear PCM and 8-bit µ-law / A-law.
// Decoding uses 256-entry tables; encoding uses 64 Ki-entry tables built once per process,
// because every session encodes prompts and decodes received audio 50 times a second.

export type Codec = 'PCMU' | 'PCMA';

/** RTP static payload types of RFC 3551. */
export const payloadTypeOf: Readonly<Record<Codec, number>> = { PCMU: 0, PCMA: 8 };

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

function encodeUlawSample(pcm: number): number {
  let sample = pcm;
  const sign = sample < 0 ? 0x80 : 0;
  if (sign) sample = -sample;
  if (sample > ULAW_CLIP) sample = ULAW_CLIP;
  sample += ULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (sample >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeUlawSample(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function encodeAlawSample(pcm: number): number {
  let value = pcm >> 3; // A-law works on 13-bit magnitudes
  let mask: number;
  if (value >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > (ALAW_SEGMENT_ENDS[segment] as number)) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

function decodeAlawSample(code: number): number {
  const a = code ^ 0x55;
  let magnitude = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) magnitude += 8;
  else if (segment === 1) magnitude += 0x108;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function buildDecodeTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decode(code);
  return table;
}

function buildEncodeTable(encode: (pcm: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let pcm = -32768; pcm < 32768; pcm++) table[pcm & 0xffff] = encode(pcm);
  return table;
}

const decodeTables: Record<Codec, Int16Array> = {
  PCMU: buildDecodeTable(decodeUlawSample),
  PCMA: buildDecodeTable(decodeAlawSample),
};
const encodeTables: Record<Codec, Uint8Array> = {
  PCMU: buildEncodeTable(encodeUlawSample),
  PCMA: buildEncodeTable(encodeAlawSample),
};

/** Decodes G.711 bytes into `out` (which must be at least as long) and returns the sample count. */
export function decodeG711(codec: Codec, encoded: Uint8Array, out: Int16Array): number {
  const table = decodeTables[codec];
  const n = Math.min(encoded.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[encoded[i] as number] as number;
  return n;
}

/** Encodes 16-bit PCM into G.711 bytes. */
export function encodeG711(codec: Codec, pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  const table = encodeTables[codec];
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[(pcm[i] as number) & 0xffff] as number;
  return out;
}

/** Converts µ-law bytes to A-law (prompts are stored as µ-law). */
export function ulawToAlaw(ulaw: Uint8Array): Uint8Array {
  const decode = decodeTables.PCMU;
  const encode = encodeTables.PCMA;
  const out = new Uint8Array(ulaw.length);
  for (let i = 0; i < ulaw.length; i++) out[i] = encode[(decode[ulaw[i] as number] as number) & 0xffff] as number;
  return out;
}

/** The byte that encodes silence (linear 0) in each law. */
export const silenceByte: Readonly<Record<Codec, number>> = {
  PCMU: encodeTables.PCMU[0] as number,
  PCMA: encodeTables.PCMA[0] as number,
};
