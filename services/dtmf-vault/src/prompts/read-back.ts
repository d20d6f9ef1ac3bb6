// Amounts read back from recorded fragments: "12,345 yen" is
// [amount-is, num-12, num-thousand, num-3, num-hundred, num-40, num-5, cur-yen, amount-end] in English
// and [amount-is, num-1, num-man, num-2000, num-300, num-40, num-5, cur-yen, amount-end] in Japanese.
import type { Language } from '@ivr/contracts';

export class UnsupportedAmountError extends Error {}

const MINOR_UNITS: Record<string, number> = { JPY: 0, USD: 2, EUR: 2 };
const MAX_AMOUNT = 999_999_999_999;

function englishBelowThousand(n: number): string[] {
  const ids: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds) ids.push(`num-${hundreds}`, 'num-hundred');
  if (rest >= 20) {
    ids.push(`num-${rest - (rest % 10)}`);
    if (rest % 10) ids.push(`num-${rest % 10}`);
  } else if (rest || !hundreds) {
    ids.push(`num-${rest}`);
  }
  return ids;
}

export function englishNumber(n: number): string[] {
  if (n === 0) return ['num-0'];
  const ids: string[] = [];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor(n / 1000) % 1000;
  const rest = n % 1000;
  if (millions) ids.push(...englishNumber(millions), 'num-million'); // billions read as thousands of millions
  if (thousands) ids.push(...englishBelowThousand(thousands), 'num-thousand');
  if (rest) ids.push(...englishBelowThousand(rest));
  return ids;
}

/** 0-9999 in Japanese; `beforeUnit` when 万 or 億 follows (1000 is then いっせん). */
function japaneseBelowTenThousand(n: number, beforeUnit: boolean): string[] {
  const ids: string[] = [];
  const thousands = Math.floor(n / 1000);
  const hundreds = Math.floor(n / 100) % 10;
  const tens = Math.floor(n / 10) % 10;
  const ones = n % 10;
  if (thousands === 1 && beforeUnit) ids.push('num-issen');
  else if (thousands) ids.push(`num-${thousands * 1000}`);
  if (hundreds) ids.push(`num-${hundreds * 100}`);
  if (tens) ids.push(`num-${tens * 10}`);
  if (ones) ids.push(`num-${ones}`);
  return ids;
}

export function japaneseNumber(n: number): string[] {
  if (n === 0) return ['num-0'];
  const oku = Math.floor(n / 100_000_000);
  const man = Math.floor(n / 10_000) % 10_000;
  const rest = n % 10_000;
  const ids: string[] = [];
  if (oku) ids.push(...japaneseBelowTenThousand(oku, true), 'num-oku');
  if (man) ids.push(...japaneseBelowTenThousand(man, true), 'num-man');
  if (rest) ids.push(...japaneseBelowTenThousand(rest, false));
  return ids;
}

/** The prompt ids that read an amount back, framed by "The amount is ... ." */
export function amountPrompts(minorUnits: number, currency: string, language: Language): string[] {
  const digits = MINOR_UNITS[currency];
  if (digits === undefined) throw new UnsupportedAmountError(`currency ${currency} cannot be read back`);
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0 || minorUnits > MAX_AMOUNT)
    throw new UnsupportedAmountError('amount must be a whole number of minor units between 0 and 999,999,999,999');
  const major = Math.floor(minorUnits / 10 ** digits);
  const minor = minorUnits % 10 ** digits;
  const number = language === 'ja' ? japaneseNumber : englishNumber;
  const body: string[] = [];
  if (currency === 'JPY') {
    body.push(...number(major), 'cur-yen');
  } else {
    const [one, many] = currency === 'USD' ? ['cur-dollar', 'cur-dollars'] : ['cur-euro', 'cur-euros'];
    const japanese = language === 'ja';
    if (major || !minor) body.push(...number(major), japanese || major !== 1 ? many : one);
    if (minor) {
      if (major && !japanese) body.push('word-and');
      body.push(...number(minor), japanese || minor !== 1 ? 'cur-cents' : 'cur-cent');
    }
  }
  return ['amount-is', ...body, 'amount-end'];
}
