import { InvalidArgument } from './errors';

export interface Money {
  /** In the currency's minor unit: JPY has none, so 1200 is 1,200 yen; USD 1200 is 12.00 dollars. */
  minorUnits: number;
  /** ISO 4217, upper case. */
  currency: string;
}

/** ISO 4217 currencies the platform takes, with their number of decimals (the minor unit's exponent). */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  USD: 2,
  EUR: 2,
  GBP: 2,
  AUD: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  NZD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  MXN: 2,
  THB: 2,
  PHP: 2,
  MYR: 2,
  INR: 2,
  TWD: 2,
  ZAR: 2,
  BRL: 2,
};

/** Gateways cap amounts at eight digits of the minor unit (Stripe: 99,999,999). */
export const MAX_MINOR_UNITS = 99_999_999;

/** Checks an amount given in minor units; the error names `field` (e.g. `amount.minor_units`). */
export function validateMoney(money: Money | null | undefined, field: string): Money {
  if (!money) throw new InvalidArgument(field, 'is required');
  const currency = money.currency;
  if (!currency) throw new InvalidArgument(`${field}.currency`, 'is required');
  if (!(currency in CURRENCY_DECIMALS)) {
    throw new InvalidArgument(`${field}.currency`, `${JSON.stringify(currency)} is not a supported ISO 4217 currency`);
  }
  const units = money.minorUnits;
  if (!Number.isSafeInteger(units))
    throw new InvalidArgument(`${field}.minor_units`, 'must be a whole number of minor units');
  if (units <= 0) throw new InvalidArgument(`${field}.minor_units`, `must be greater than zero, got ${units}`);
  if (units > MAX_MINOR_UNITS) throw new InvalidArgument(`${field}.minor_units`, `must be at most ${MAX_MINOR_UNITS}`);
  return { minorUnits: units, currency };
}

/**
 * A decimal amount ("12.34") to minor units, refusing more decimals than the currency has
 * ("12.5" JPY, "1.234" USD). For adapters that take decimal amounts; gRPC carries minor units.
 */
export function decimalToMinorUnits(decimal: string, currency: string, field: string): Money {
  const decimals = CURRENCY_DECIMALS[currency];
  if (decimals === undefined)
    throw new InvalidArgument(`${field}.currency`, `${JSON.stringify(currency)} is not supported`);
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(decimal);
  if (!match) throw new InvalidArgument(field, `${JSON.stringify(decimal)} is not a positive decimal amount`);
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    throw new InvalidArgument(field, `${currency} has ${decimals} decimal${decimals === 1 ? '' : 's'}, got ${decimal}`);
  }
  const minorUnits = Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
  return validateMoney({ minorUnits, currency }, field);
}
