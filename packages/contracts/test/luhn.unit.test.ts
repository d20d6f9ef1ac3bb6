import { type DigitSequence, luhnValid } from '@ivr/contracts';

const sequence = (text: string): DigitSequence => ({
  length: text.length,
  digitAt: (i) => text.charCodeAt(i) - 48,
});

describe('luhnValid', () => {
  it('accepts published test card numbers', () => {
    for (const pan of ['4242424242424242', '5555555555554444', '378282246310005', '4000000000000002']) {
      expect(luhnValid(pan)).toBe(true);
      expect(luhnValid(sequence(pan))).toBe(true);
    }
  });

  it('rejects a changed digit', () => {
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid(sequence('4242424242424241'))).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });

  it('rejects anything but two or more digits', () => {
    expect(luhnValid('4242 4242')).toBe(false);
    expect(luhnValid('4242-4242-4242-4242')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid(sequence('0'))).toBe(false);
    expect(luhnValid('00')).toBe(true);
  });
});
