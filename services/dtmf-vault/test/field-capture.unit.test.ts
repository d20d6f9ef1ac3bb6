import type { DtmfKey } from '@ivr/media';
import { type CaptureUpdate, cardFieldSpec, FieldCapture, type FieldSpec } from '../src/capture/field-capture';

const timing = { firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 3000, maxAttempts: 3 };
const today = () => new Date('2026-11-26T00:00:00Z');

/** Types keys one every 300 ms and returns all updates. */
function type(capture: FieldCapture, keys: string, start = 0): CaptureUpdate[] {
  const updates: CaptureUpdate[] = [];
  [...keys].forEach((k, i) => {
    updates.push(...capture.key(k as DtmfKey, start + 300 * i));
  });
  return updates;
}

const last = (updates: CaptureUpdate[]) => updates[updates.length - 1];

describe('FieldCapture: card number', () => {
  const newCapture = () => {
    const c = new FieldCapture(cardFieldSpec('card_number', timing), today);
    c.arm(0);
    return c;
  };

  it('emits masked progress, the brand after six digits, and completes on #', () => {
    const capture = newCapture();
    const updates = type(capture, '4242424242424242#');
    expect(updates[0]).toEqual({ type: 'progress', digitsEntered: 1 });
    expect(updates[5]).toEqual({ type: 'progress', digitsEntered: 6, brand: 'visa' });
    expect(last(updates)).toEqual({ type: 'completed', digitsEntered: 16, brand: 'visa' });
    expect(JSON.stringify(updates)).not.toMatch(/4242/);
    const pan = capture.takeSecret();
    expect(pan.length).toBe(16);
    expect(pan.revealNonSecret(0, 6)).toBe('424242');
  });

  it("completes a number by itself at the brand's longest length (Amex 15, Mastercard 16)", () => {
    expect(last(type(newCapture(), '378282246310005'))).toEqual({
      type: 'completed',
      digitsEntered: 15,
      brand: 'amex',
    });
    expect(last(type(newCapture(), '5555555555554444'))).toMatchObject({ type: 'completed', brand: 'mastercard' });
  });

  it('completes after the inter-digit timeout when enough digits are there', () => {
    const capture = newCapture();
    type(capture, '4242424242424242'); // Visa numbers may have 19 digits: the 16th does not end the entry
    expect(capture.tick(4500 + 2999)).toEqual([]);
    expect(capture.tick(4500 + 3000)).toEqual([{ type: 'completed', digitsEntered: 16, brand: 'visa' }]);
  });

  it('rejects a bad checksum, counts the attempt and accepts a corrected entry', () => {
    const capture = newCapture();
    expect(last(type(capture, '4242424242424241#'))).toEqual({
      type: 'invalid',
      reason: 'bad_checksum',
      attemptsLeft: 2,
    });
    expect(capture.state).toBe('waiting');
    capture.arm(10_000);
    expect(last(type(capture, '4242424242424242#', 10_000))).toMatchObject({ type: 'completed' });
  });

  it('restarts on * without using an attempt', () => {
    const capture = newCapture();
    expect(last(type(capture, '4111*'))).toEqual({ type: 'restarted', attemptsLeft: 3 });
    expect(last(type(capture, '4242424242424242#', 2000))).toMatchObject({ type: 'completed', digitsEntered: 16 });
  });

  it('fails after the attempts are used up and then ignores keys', () => {
    const capture = newCapture();
    type(capture, '1#');
    capture.arm(1000);
    type(capture, '12#', 1000);
    capture.arm(2000);
    const updates = type(capture, '123#', 2000);
    expect(updates.slice(-2)).toEqual([
      { type: 'invalid', reason: 'too_short', attemptsLeft: 0 },
      { type: 'failed', reason: 'attempts_exhausted' },
    ]);
    expect(capture.key('4', 9000)).toEqual([]);
    expect(() => capture.takeSecret()).toThrow();
  });
});

describe('FieldCapture: timeouts', () => {
  it('times out waiting for the first digit only once armed', () => {
    const capture = new FieldCapture(cardFieldSpec('expiry', timing), today);
    expect(capture.tick(1_000_000)).toEqual([]); // prompt still playing: not armed
    capture.arm(1_000_000);
    expect(capture.tick(1_004_999)).toEqual([]);
    expect(capture.tick(1_005_000)).toEqual([{ type: 'timed_out', phase: 'first_digit', attemptsLeft: 2 }]);
  });

  it('times out between digits when too few were entered', () => {
    const capture = new FieldCapture(cardFieldSpec('expiry', timing), today);
    capture.arm(0);
    type(capture, '12');
    expect(capture.tick(300 + 3000)).toEqual([{ type: 'timed_out', phase: 'inter_digit', attemptsLeft: 2 }]);
  });
});

describe('FieldCapture: expiry and security code', () => {
  it('validates the expiry against the injected clock', () => {
    const expired = new FieldCapture(cardFieldSpec('expiry', timing), today);
    expect(last(type(expired, '1025'))).toEqual({ type: 'invalid', reason: 'expired', attemptsLeft: 2 });
    const valid = new FieldCapture(cardFieldSpec('expiry', timing), today);
    expect(last(type(valid, '1228'))).toEqual({ type: 'completed', digitsEntered: 4 });
    expect(valid.completedDetails).toEqual({ month: 12, year: 2028 });
  });

  it('expects 4 digits of security code for Amex and 3 otherwise', () => {
    const amex = new FieldCapture(cardFieldSpec('security_code', timing, 'amex'), today);
    expect(last(type(amex, '123#'))).toEqual({ type: 'invalid', reason: 'too_short', attemptsLeft: 2 });
    expect(last(type(amex, '1234'))).toEqual({ type: 'completed', digitsEntered: 4 });
    const visa = new FieldCapture(cardFieldSpec('security_code', timing, 'visa'), today);
    expect(last(type(visa, '123'))).toEqual({ type: 'completed', digitsEntered: 3 });
  });
});

describe('FieldCapture: plain digits', () => {
  const confirm: FieldSpec = { kind: 'digits', minLength: 1, maxLength: 1, terminator: undefined, ...timing };
  it('returns the digits of a non-card field', () => {
    const capture = new FieldCapture(confirm, today);
    expect(type(capture, '1')).toEqual([
      { type: 'progress', digitsEntered: 1 },
      { type: 'completed', digitsEntered: 1, plainDigits: '1' },
    ]);
  });

  it('rejects impossible specs with a clear error', () => {
    expect(() => new FieldCapture({ ...confirm, minLength: 3, maxLength: 2 }, today)).toThrow(/lengths/);
    expect(() => new FieldCapture({ ...confirm, maxAttempts: 0 }, today)).toThrow(/attempt/);
  });
});
