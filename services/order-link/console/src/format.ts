import { lang } from './i18n';

const locale = (): string => (lang() === 'ja' ? 'ja-JP' : 'en-GB');

/** Digits after the decimal point of a currency's minor unit (JPY 0, USD 2). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "12.50" USD → 1250; null when it is not an amount with at most the currency's decimals. */
export function toMinorUnits(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const clean = text.trim().replace(/[,\s]/g, '');
  const m = /^(\d{1,11})(?:\.(\d+))?$/.exec(clean);
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function money(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'medium' });
}

export const brandName = (brand: string | undefined): string =>
  ({
    visa: 'Visa',
    mastercard: 'Mastercard',
    amex: 'American Express',
    jcb: 'JCB',
    diners: 'Diners Club',
    discover: 'Discover',
  })[brand ?? ''] ??
  brand ??
  '';
