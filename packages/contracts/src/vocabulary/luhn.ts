// The Luhn (mod 10) check, once for everyone: the vault checks keyed card numbers with it, the log
// and dead-letter masks and the PSP simulator recognise card numbers with it.

/**
 * Digits read one at a time. The vault's `SecretDigits` is one: its digits are checked in place and
 * never become a string.
 */
export interface DigitSequence {
  readonly length: number;
  /** The digit (0–9) at `index`. */
  digitAt(index: number): number;
}

const ZERO = 48;

/**
 * Luhn (mod 10) check. A string must be decimal digits only (no spaces or dashes); fewer than two
 * digits are never valid (there is no number before the check digit).
 */
export function luhnValid(digits: string | DigitSequence): boolean {
  if (typeof digits === 'string') {
    if (!/^\d+$/.test(digits)) return false;
    return luhnSum(digits.length, (i) => digits.charCodeAt(i) - ZERO);
  }
  return luhnSum(digits.length, (i) => digits.digitAt(i));
}

function luhnSum(length: number, digitAt: (index: number) => number): boolean {
  if (length < 2) return false;
  let sum = 0;
  for (let i = length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digitAt(i);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
