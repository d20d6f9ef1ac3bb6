// SDES a=crypto attributes (RFC 4568 §9.1) for SRTP: `<tag> <crypto-suite> inline:<key||salt base64>
// [|<lifetime>] [<session-params>]`. Parsed from bytes, so that the key goes from the wire into a
// SrtpMasterKey without ever being a string; the caller wipes its bytes afterwards. What cannot be
// honoured is refused with a reason that names no key material: MKIs (and so several keys), key
// methods other than inline, session parameters other than the window-size hint (KDR, UNENCRYPTED_*,
// UNAUTHENTICATED_SRTP, FEC_*), and suites the vault does not implement.
import { SrtpMasterKey } from './master-key';
import { isSrtpSuite, type SrtpSuite, SUITES } from './suites';

export interface CryptoAttribute {
  tag: number;
  suite: SrtpSuite;
  key: SrtpMasterKey;
  /** Packets the key may protect, when the line says (`|2^31`); the sender must re-key before. */
  lifetime?: number;
}

export const CRYPTO_ATTRIBUTE_ERRORS = [
  'malformed',
  'unknown_suite',
  'unsupported_key_method',
  'bad_key',
  'bad_lifetime',
  'mki_unsupported',
  'several_keys',
  'unsupported_session_parameter',
] as const;
export type CryptoAttributeError = (typeof CRYPTO_ATTRIBUTE_ERRORS)[number];

export type CryptoAttributeResult =
  | { ok: true; attribute: CryptoAttribute }
  | { ok: false; error: CryptoAttributeError; tag?: number; suite?: string };

const SPACE = 0x20;
const TAB = 0x09;
const INLINE = Buffer.from('inline:', 'latin1');
/** Longest lifetime an a=crypto line may give: 2^48 SRTP packets. */
const MAX_LIFETIME_EXPONENT = 48;

/** Parses the value of an a=crypto attribute (what follows `a=crypto:`). */
export function parseCryptoAttribute(value: Uint8Array | string): CryptoAttributeResult {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  try {
    return parse(bytes);
  } finally {
    if (typeof value === 'string') bytes.fill(0);
  }
}

/** The a=crypto attribute value for a key this side generated (the answer's or the offer's own line). */
export function formatCryptoAttribute(tag: number, key: SrtpMasterKey): string {
  return `${tag} ${key.suite} inline:${key.toInlineBase64()}`;
}

function parse(bytes: Uint8Array): CryptoAttributeResult {
  const fields = split(bytes, (b) => b === SPACE || b === TAB);
  const [tagField, suiteField, keyField, ...sessionFields] = fields;
  if (!tagField || !suiteField || !keyField) return { ok: false, error: 'malformed' };
  const tagText = ascii(bytes, tagField);
  if (!/^\d{1,9}$/.test(tagText)) return { ok: false, error: 'malformed' };
  const tag = Number(tagText);
  const suiteName = ascii(bytes, suiteField);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(suiteName)) return { ok: false, error: 'malformed', tag };
  if (!isSrtpSuite(suiteName)) return { ok: false, error: 'unknown_suite', tag, suite: suiteName };
  const refuse = (error: CryptoAttributeError): CryptoAttributeResult => ({ ok: false, error, tag, suite: suiteName });

  for (const field of sessionFields) {
    const param = ascii(bytes, field);
    // The window-size hint only asks for at least that many packets of replay window: ours is 128.
    const wsh = /^WSH=(\d{1,9})$/.exec(param);
    if (!wsh || Number(wsh[1]) > 128) return refuse('unsupported_session_parameter');
  }

  const [start, end] = keyField;
  if (bytes.subarray(start, end).includes(0x3b /* ; */)) return refuse('several_keys');
  if (end - start < INLINE.length || !INLINE.equals(bytes.subarray(start, start + INLINE.length)))
    return refuse('unsupported_key_method');
  const info = bytes.subarray(start + INLINE.length, end);
  const parts = split(info, (b) => b === 0x7c /* | */, true);
  const [keyPart, ...extras] = parts;
  if (!keyPart) return refuse('bad_key');

  let lifetime: number | undefined;
  for (const part of extras) {
    const text = ascii(info, part);
    if (/^\d+:\d{1,3}$/.test(text)) return refuse('mki_unsupported');
    const parsed = parseLifetime(text);
    if (parsed === undefined || lifetime !== undefined) return refuse('bad_lifetime');
    lifetime = parsed;
  }

  const { keyLength, saltLength } = SUITES[suiteName];
  const keyAndSalt = decodeBase64(info.subarray(keyPart[0], keyPart[1]));
  if (!keyAndSalt) return refuse('bad_key');
  try {
    if (keyAndSalt.length !== keyLength + saltLength) return refuse('bad_key');
    const key = new SrtpMasterKey(suiteName, keyAndSalt);
    return { ok: true, attribute: { tag, suite: suiteName, key, ...(lifetime !== undefined ? { lifetime } : {}) } };
  } finally {
    keyAndSalt.fill(0);
  }
}

function parseLifetime(text: string): number | undefined {
  const power = /^2\^(\d{1,2})$/.exec(text);
  const value = power ? 2 ** Number(power[1]) : /^\d{1,15}$/.test(text) ? Number(text) : undefined;
  if (value === undefined || value < 1 || value > 2 ** MAX_LIFETIME_EXPONENT) return undefined;
  return value;
}

/** [start, end) of each run between separators; `keepEmpty` keeps empty runs (so `a||b` is refused). */
function split(bytes: Uint8Array, isSeparator: (b: number) => boolean, keepEmpty = false): Array<[number, number]> {
  const fields: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && !isSeparator(bytes[i] as number)) continue;
    if (i > start || keepEmpty) fields.push([start, i]);
    start = i + 1;
  }
  return fields;
}

/** The non-secret fields (tag, suite, parameters) as text. */
function ascii(bytes: Uint8Array, [start, end]: [number, number]): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

const BASE64_VALUE = new Int8Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  BASE64_VALUE[c.charCodeAt(0)] = i;

/** Strict base64 (RFC 4648 §4, padding optional) of bytes into a new Buffer, without a string in between. */
export function decodeBase64(text: Uint8Array): Buffer | undefined {
  let length = text.length;
  while (length > 0 && text[length - 1] === 0x3d /* = */ && text.length - length < 2) length--;
  if (length % 4 === 1 || (length !== text.length && text.length % 4 !== 0)) return undefined;
  const out = Buffer.alloc(Math.floor((length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const v = BASE64_VALUE[text[i] as number] as number;
    if (v < 0) {
      out.fill(0);
      return undefined;
    }
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >>> bits) & 0xff;
      value &= (1 << bits) - 1;
    }
  }
  return out;
}
