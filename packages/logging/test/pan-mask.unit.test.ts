import { luhnValid } from '@ivr/contracts';
import { maskPans } from '@ivr/logging';

describe('maskPans', () => {
  it('masks a plain card number anywhere in the text', () => {
    expect(maskPans('pan=4242424242424242 ok')).toBe('pan=[PAN REDACTED] ok');
    expect(maskPans('x4242424242424242y')).toBe('x[PAN REDACTED]y');
  });

  it('masks card numbers grouped with spaces or dashes', () => {
    expect(maskPans('card 5555 5555 5555 4444.')).toBe('card [PAN REDACTED].');
    expect(maskPans('amex 3782-822463-10005')).toBe('amex [PAN REDACTED]');
  });

  it('masks every card number in a JSON line', () => {
    const line = JSON.stringify({ msg: 'oops 4242424242424242', n: 5555555555554444, s: '378282246310005' });
    expect(maskPans(line)).toBe('{"msg":"oops [PAN REDACTED]","n":[PAN REDACTED],"s":"[PAN REDACTED]"}');
  });

  it('finds a card number next to other digit groups', () => {
    expect(maskPans('order 12 4242 4242 4242 4242 done')).toBe('order 12 [PAN REDACTED] done');
    expect(maskPans('4242 4242 4242 4242 99')).toBe('[PAN REDACTED] 99');
  });

  it('leaves numbers that are not Luhn-valid untouched', () => {
    const text = 'order 1234567890123 at 1732643094123, ref 4242424242424241, 10:45, 2026-11-26T18:44:54.123Z';
    expect(luhnValid('1234567890123')).toBe(false);
    expect(luhnValid('1732643094123')).toBe(false);
    expect(maskPans(text)).toBe(text);
  });

  it('leaves short numbers and long digit strings alone', () => {
    expect(maskPans('amount 4242 and 424242424242')).toBe('amount 4242 and 424242424242');
    // 20 digits: longer than any card number.
    expect(maskPans('id 42424242424242424242')).toBe('id 42424242424242424242');
  });
});
