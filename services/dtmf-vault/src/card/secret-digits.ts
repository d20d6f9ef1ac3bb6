// The only container card digits ever live in: a fixed-size byte buffer (one digit 0-9 per byte)
// that is overwritten by wipe(). It never turns its digits into a string: printing, logging or
// serialising it yields "[REDACTED]" (@ivr/logging's Redacted). Strings in V8 are immutable and linger
// until collected, so code that needs the digits in another form (the PSP request body) gets them as
// bytes through withAsciiDigits(), which wipes its temporary copy afterwards.
import { Redacted } from '@ivr/logging';

const ASCII_ZERO = 0x30;

export class SecretDigits extends Redacted {
  private readonly bytes: Uint8Array;
  private count = 0;

  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 32) throw new RangeError('capacity must be 1-32');
    this.bytes = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.capacity;
  }

  /** Appends one digit (0-9). Returns false when the buffer is full. */
  push(digit: number): boolean {
    if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError('not a decimal digit');
    if (this.count === this.capacity) return false;
    this.bytes[this.count++] = digit;
    return true;
  }

  digitAt(index: number): number {
    if (index < 0 || index >= this.count) throw new RangeError('digit index out of range');
    return this.bytes[index] as number;
  }

  /** The number formed by the digits in [start, end): for prefixes (IIN), months and years only. */
  numberAt(start: number, end: number): number {
    if (start < 0 || end > this.count || end - start > 9) throw new RangeError('digit range out of bounds');
    let value = 0;
    for (let i = start; i < end; i++) value = value * 10 + (this.bytes[i] as number);
    return value;
  }

  /**
   * Non-secret parts of a card number (PCI DSS allows BIN and last four): digits in [start, end)
   * as a string, at most 6 of them.
   */
  revealNonSecret(start: number, end: number): string {
    if (end - start > 6) throw new RangeError('at most six digits may leave the vault in clear');
    let text = '';
    for (let i = start; i < end; i++) text += String(this.digitAt(i));
    return text;
  }

  /** Runs fn with the digits as ASCII bytes in a temporary buffer that is zeroed afterwards. */
  withAsciiDigits<T>(fn: (ascii: Uint8Array) => T): T {
    const ascii = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) ascii[i] = ASCII_ZERO + (this.bytes[i] as number);
    try {
      return fn(ascii);
    } finally {
      ascii.fill(0);
    }
  }

  /** Moves the digits into a new buffer and wipes this one (ownership transfer without copies left behind). */
  take(): SecretDigits {
    const moved = new SecretDigits(this.capacity);
    moved.bytes.set(this.bytes);
    moved.count = this.count;
    this.wipe();
    return moved;
  }

  /** Overwrites every byte and forgets the length. */
  wipe(): void {
    this.bytes.fill(0);
    this.count = 0;
  }
}

/** Builds SecretDigits from a string of digits. For tests and tools only: the string itself lingers. */
export function secretDigitsFromString(text: string, capacity = Math.max(1, text.length)): SecretDigits {
  const digits = new SecretDigits(capacity);
  for (const ch of text) digits.push(ch.charCodeAt(0) - ASCII_ZERO);
  return digits;
}
