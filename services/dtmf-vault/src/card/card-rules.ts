// Card number, expiry and security code rules. They read SecretDigits in place and never build
// strings of card digits.
import { luhnValid } from '@ivr/contracts';
import type { SecretDigits } from './secret-digits';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'jcb' | 'diners' | 'discover' | 'unionpay';

interface BrandRule {
  brand: CardBrand;
  /** Inclusive IIN ranges, each bound given with as many digits as the range needs. */
  ranges: readonly (readonly [number, number])[];
  lengths: readonly number[];
}

const range = (from: number, to: number = from) => [from, to] as const;

// Order matters only where ranges overlap; they do not overlap here.
const BRAND_RULES: readonly BrandRule[] = [
  { brand: 'visa', ranges: [range(4)], lengths: [13, 16, 19] },
  { brand: 'mastercard', ranges: [range(51, 55), range(2221, 2720)], lengths: [16] },
  { brand: 'amex', ranges: [range(34), range(37)], lengths: [15] },
  { brand: 'jcb', ranges: [range(3528, 3589)], lengths: [16, 17, 18, 19] },
  {
    brand: 'diners',
    ranges: [range(300, 305), range(3095), range(36), range(38, 39)],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { brand: 'discover', ranges: [range(6011), range(644, 649), range(65)], lengths: [16, 17, 18, 19] },
  // 622126-622925 is co-branded Discover/UnionPay; UnionPay issues it, so it is reported as UnionPay.
  { brand: 'unionpay', ranges: [range(62), range(81)], lengths: [16, 17, 18, 19] },
];

const digitCount = (n: number) => String(n).length;

/** The brand whose IIN ranges contain the first digits, if enough digits are there to tell. */
export function detectBrand(pan: SecretDigits): CardBrand | undefined {
  for (const rule of BRAND_RULES) {
    for (const [from, to] of rule.ranges) {
      const width = digitCount(from);
      if (pan.length < width) continue;
      const prefix = pan.numberAt(0, width);
      if (prefix >= from && prefix <= to) return rule.brand;
    }
  }
  return undefined;
}

export function allowedLengths(brand: CardBrand): readonly number[] {
  return BRAND_RULES.find((r) => r.brand === brand)?.lengths ?? [];
}

export type CardNumberProblem = 'unknown_brand' | 'bad_length' | 'bad_checksum';

export function checkCardNumber(
  pan: SecretDigits,
): { ok: true; brand: CardBrand } | { ok: false; reason: CardNumberProblem } {
  const brand = detectBrand(pan);
  if (!brand) return { ok: false, reason: 'unknown_brand' };
  if (!allowedLengths(brand).includes(pan.length)) return { ok: false, reason: 'bad_length' };
  if (!luhnValid(pan)) return { ok: false, reason: 'bad_checksum' };
  return { ok: true, brand };
}

export type ExpiryProblem = 'bad_length' | 'bad_month' | 'expired' | 'too_far_ahead';

/** Cards are issued for at most about 20 years; anything further out is a typing mistake. */
const MAX_YEARS_AHEAD = 20;

/** Expiry as MMYY: valid through the last day of that month, judged in UTC at `now`. */
export function checkExpiry(
  mmyy: SecretDigits,
  now: Date,
): { ok: true; month: number; year: number } | { ok: false; reason: ExpiryProblem } {
  if (mmyy.length !== 4) return { ok: false, reason: 'bad_length' };
  const month = mmyy.numberAt(0, 2);
  if (month < 1 || month > 12) return { ok: false, reason: 'bad_month' };
  const currentYear = now.getUTCFullYear();
  const century = currentYear - (currentYear % 100);
  let year = century + mmyy.numberAt(2, 4);
  // Two-digit years wrap: near the end of a century "01" means the next one.
  if (year < currentYear - 50) year += 100;
  const currentMonth = now.getUTCMonth() + 1;
  if (year < currentYear || (year === currentYear && month < currentMonth)) return { ok: false, reason: 'expired' };
  if (year > currentYear + MAX_YEARS_AHEAD) return { ok: false, reason: 'too_far_ahead' };
  return { ok: true, month, year };
}

export function securityCodeLength(brand: CardBrand | undefined): number {
  return brand === 'amex' ? 4 : 3;
}
