/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as authenticator apps expect them:
 * HMAC-SHA-1, 6 digits, 30-second steps, the secret as RFC 4648 base32 in an otpauth:// URI.
 * Pure but for the HMAC of node:crypto; the time is passed in.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  digits?: number;
  periodSeconds?: number;
  algorithm?: TotpAlgorithm;
}

/** What the console uses (and authenticator apps assume when the URI says nothing). */
export const TOTP_DEFAULTS = { digits: 6, periodSeconds: 30, algorithm: 'sha1' } as const;

/** Steps on either side of the current one that are accepted (clock drift, a code typed at the turn). */
export const TOTP_WINDOW = 1;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case, spaces, dashes and padding ignored); null for any other character. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP: the code of one counter value. */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step of an instant. */
export const totpStep = (now: Date, periodSeconds: number = TOTP_DEFAULTS.periodSeconds): number =>
  Math.floor(now.getTime() / 1000 / periodSeconds);

/** The code of the step `now` falls in. */
export function totp(key: Uint8Array, now: Date, o: TotpOptions = {}): string {
  const { digits, periodSeconds, algorithm } = { ...TOTP_DEFAULTS, ...o };
  return hotp(key, totpStep(now, periodSeconds), digits, algorithm);
}

/**
 * The step a code proves, or null: one of the steps within TOTP_WINDOW of now, and later than
 * `lastStep` (a code, once accepted, is never accepted again: RFC 6238 §5.2).
 */
export function verifyTotp(key: Uint8Array, code: string, now: Date, lastStep: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(now);
  const given = Buffer.from(code);
  let matched: number | null = null;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    // Every candidate is compared, in constant time, whatever matched before.
    const same = timingSafeEqual(Buffer.from(hotp(key, step)), given);
    if (same && step > lastStep && matched === null) matched = step;
  }
  return matched;
}

/** What authenticator apps scan or open: otpauth://totp/<issuer>:<account>?secret=...&issuer=... */
export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DEFAULTS.digits),
    period: String(TOTP_DEFAULTS.periodSeconds),
  });
  return `otpauth://totp/${label}?${q.toString().replace(/\+/g, '%20')}`;
}

/**
 * Recovery codes: `xxxxx-xxxxx` of base32 (50 random bits each), shown once; only their SHA-256
 * is kept (random codes need no slow hash). `normalizeRecoveryCode` makes a typed one comparable.
 */
export const formatRecoveryCode = (bytes: Uint8Array): string => {
  const s = base32Encode(bytes).slice(0, 10);
  return `${s.slice(0, 5)}-${s.slice(5)}`.toLowerCase();
};
export const normalizeRecoveryCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
