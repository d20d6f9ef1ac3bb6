import { inspect } from 'node:util';
import { luhnValid } from '@ivr/contracts';
import { checkCardNumber, checkExpiry, detectBrand } from '../src/card/card-rules';
import { SecretDigits, secretDigitsFromString as secret } from '../src/card/secret-digits';

describe('SecretDigits', () => {
  it('never prints its digits', () => {
    const pan = secret('4242424242424242');
    const shown = [
      String(pan),
      `${pan}`,
      JSON.stringify({ pan }),
      inspect(pan),
      inspect({ nested: { pan } }),
      pan.toString(),
    ];
    for (const text of shown) {
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain('4242');
    }
  });

  it('overwrites its buffer on wipe and on take', () => {
    const pan = secret('4242424242424242');
    const moved = pan.take();
    expect(pan.length).toBe(0);
    expect(moved.length).toBe(16);
    expect(moved.revealNonSecret(12, 16)).toBe('4242');
    moved.wipe();
    expect(moved.length).toBe(0);
    expect(() => moved.digitAt(0)).toThrow(RangeError);
    // The backing store itself is zeroed, not just the length reset.
    const internal = (moved as unknown as { bytes: Uint8Array }).bytes;
    expect(Array.from(internal).every((b) => b === 0)).toBe(true);
  });

  it('zeroes the temporary ASCII copy after use', () => {
    const pan = secret('5555555555554444');
    let seen: Uint8Array | undefined;
    const text = pan.withAsciiDigits((ascii) => {
      seen = ascii;
      return Buffer.from(ascii).toString('latin1').length;
    });
    expect(text).toBe(16);
    expect(Array.from(seen ?? []).every((b) => b === 0)).toBe(true);
  });

  it('refuses to reveal more than six digits, rejects non-digits and stops at capacity', () => {
    const pan = secret('4242424242424242');
    expect(() => pan.revealNonSecret(0, 7)).toThrow(RangeError);
    expect(() => new SecretDigits(2).push(10)).toThrow(RangeError);
    const small = new SecretDigits(2);
    expect([small.push(1), small.push(2), small.push(3)]).toEqual([true, true, false]);
  });
});

describe('card number rules', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['4000000000000002', 'visa'],
    ['4222222222222', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['3566002020360505', 'jcb'],
    ['36227206271667', 'diners'],
    ['3056930009020004', 'diners'],
    ['6011111111111117', 'discover'],
    ['6200000000000005', 'unionpay'],
  ])('accepts published test card %s as %s', (pan, brand) => {
    expect(checkCardNumber(secret(pan))).toEqual({ ok: true, brand });
  });

  it('checks Luhn in place with the shared check', () => {
    expect(luhnValid(secret('79927398713'))).toBe(true);
    expect(luhnValid(secret('79927398710'))).toBe(false);
    expect(luhnValid(secret('0'))).toBe(false);
  });

  it.each([
    ['4242424242424241', 'bad_checksum'],
    ['424242424242424', 'bad_length'], // Visa has no 15-digit numbers
    ['37828224631000', 'bad_length'], // Amex is 15 digits
    ['2721000000000004', 'unknown_brand'], // just past Mastercard's 2-series
    ['2220990000000005', 'unknown_brand'], // just before it
    ['9999999999999995', 'unknown_brand'],
  ])('rejects %s: %s', (pan, reason) => {
    expect(checkCardNumber(secret(pan))).toEqual({ ok: false, reason });
  });

  it('detects the brand from the prefix only when enough digits are there', () => {
    expect(detectBrand(secret('2'))).toBeUndefined();
    expect(detectBrand(secret('2720'))).toBe('mastercard');
    expect(detectBrand(secret('3528'))).toBe('jcb');
    expect(detectBrand(secret('3095'))).toBe('diners');
    expect(detectBrand(secret('649'))).toBe('discover');
    expect(detectBrand(secret('3527'))).toBeUndefined();
  });
});

describe('expiry rules', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it('accepts the current month and later', () => {
    expect(checkExpiry(secret('1126'), now)).toEqual({ ok: true, month: 11, year: 2026 });
    expect(checkExpiry(secret('0130'), now)).toEqual({ ok: true, month: 1, year: 2030 });
  });
  it.each([
    ['1026', 'expired'],
    ['1225', 'expired'],
    ['0027', 'bad_month'],
    ['1327', 'bad_month'],
    ['1250', 'too_far_ahead'],
    ['127', 'bad_length'],
  ])('rejects %s: %s', (mmyy, reason) => {
    expect(checkExpiry(secret(mmyy, 4), now)).toEqual({ ok: false, reason });
  });
  it('wraps two-digit years at the end of a century', () => {
    expect(checkExpiry(secret('0101'), new Date('2098-06-01T00:00:00Z'))).toEqual({ ok: true, month: 1, year: 2101 });
  });
});
