// The capture of one field from key presses: a pure state machine driven by keys and by the clock
// the caller passes in (no timers inside). It holds the digits in SecretDigits and emits masked
// progress only: how many digits, the detected brand, valid or invalid with a reason, timeouts,
// attempts left. Only a plain-digits field (e.g. "press 1 to confirm") reports its digits.

import type { DtmfKey } from '@ivr/media';
import {
  allowedLengths,
  type CardBrand,
  type CardNumberProblem,
  checkCardNumber,
  checkExpiry,
  detectBrand,
  type ExpiryProblem,
} from '../card/card-rules';
import { SecretDigits } from '../card/secret-digits';

export type FieldKind = 'card_number' | 'expiry' | 'security_code' | 'digits';

export interface FieldSpec {
  kind: FieldKind;
  minLength: number;
  maxLength: number;
  /** Key that ends the entry; undefined when only length and the inter-digit timeout end it. */
  terminator: '#' | undefined;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
  maxAttempts: number;
}

export type InvalidReason = 'too_short' | CardNumberProblem | ExpiryProblem;

export type CaptureUpdate =
  | { type: 'progress'; digitsEntered: number; brand?: CardBrand }
  | { type: 'restarted'; attemptsLeft: number }
  | { type: 'invalid'; reason: InvalidReason; attemptsLeft: number }
  | { type: 'timed_out'; phase: 'first_digit' | 'inter_digit'; attemptsLeft: number }
  | { type: 'completed'; digitsEntered: number; brand?: CardBrand; plainDigits?: string }
  | { type: 'failed'; reason: 'attempts_exhausted' };

export type CaptureState = 'waiting' | 'collecting' | 'completed' | 'failed';

/** Brand-derived limits so that call-control need not know card rules. */
export function cardFieldSpec(
  kind: Exclude<FieldKind, 'digits'>,
  timing: Pick<FieldSpec, 'firstDigitTimeoutMs' | 'interDigitTimeoutMs' | 'maxAttempts'>,
  cardBrand?: CardBrand,
): FieldSpec {
  if (kind === 'card_number') return { kind, minLength: 13, maxLength: 19, terminator: '#', ...timing };
  if (kind === 'expiry') return { kind, minLength: 4, maxLength: 4, terminator: '#', ...timing };
  const length = cardBrand === 'amex' ? 4 : 3;
  return { kind, minLength: length, maxLength: length, terminator: '#', ...timing };
}

const BRAND_AFTER_DIGITS = 6;

export class FieldCapture {
  private readonly digits: SecretDigits;
  private attemptsUsed = 0;
  private deadline: number | undefined;
  private lastBrand: CardBrand | undefined;
  private result: { brand?: CardBrand; month?: number; year?: number } = {};
  state: CaptureState = 'waiting';

  constructor(
    readonly spec: FieldSpec,
    private readonly today: () => Date,
  ) {
    if (spec.minLength < 1 || spec.maxLength < spec.minLength || spec.maxLength > 19)
      throw new RangeError('field lengths must satisfy 1 <= min <= max <= 19');
    if (spec.maxAttempts < 1) throw new RangeError('at least one attempt is needed');
    this.digits = new SecretDigits(spec.maxLength);
  }

  get attemptsLeft(): number {
    return this.spec.maxAttempts - this.attemptsUsed;
  }

  get done(): boolean {
    return this.state === 'completed' || this.state === 'failed';
  }

  /** When tick() next has something to do, if anything. */
  get nextDeadline(): number | undefined {
    return this.deadline;
  }

  /** Starts the first-digit timer, once the prompt that asks for the field has been played. */
  arm(now: number): void {
    if (this.state === 'waiting' && this.digits.length === 0) this.deadline = now + this.spec.firstDigitTimeoutMs;
  }

  key(key: DtmfKey, now: number): CaptureUpdate[] {
    if (this.done) return [];
    if (key === '*') {
      this.digits.wipe();
      this.lastBrand = undefined;
      this.state = 'collecting';
      this.deadline = now + this.spec.firstDigitTimeoutMs;
      return [{ type: 'restarted', attemptsLeft: this.attemptsLeft }];
    }
    if (key === this.spec.terminator) return this.submit();
    if (key < '0' || key > '9') return []; // A-D carry no meaning for a field
    this.state = 'collecting';
    if (!this.digits.push(key.charCodeAt(0) - 48)) return this.submit();
    this.deadline = now + this.spec.interDigitTimeoutMs;
    const updates: CaptureUpdate[] = [this.progress()];
    if (this.isEvidentlyComplete()) updates.push(...this.submit());
    return updates;
  }

  tick(now: number): CaptureUpdate[] {
    if (this.done || this.deadline === undefined || now < this.deadline) return [];
    if (this.digits.length === 0) return this.failAttempt({ type: 'timed_out', phase: 'first_digit' });
    // Silence after enough digits ends the entry, as if the terminator had been pressed.
    if (this.digits.length >= this.spec.minLength) return this.submit();
    return this.failAttempt({ type: 'timed_out', phase: 'inter_digit' });
  }

  /** Hands the captured digits over (moved, not copied); only after `completed`. */
  takeSecret(): SecretDigits {
    if (this.state !== 'completed') throw new Error('field is not completed');
    return this.digits.take();
  }

  /** Brand (card number) or month/year (expiry) of the completed field. */
  get completedDetails(): { brand?: CardBrand; month?: number; year?: number } {
    return this.result;
  }

  wipe(): void {
    this.digits.wipe();
    this.deadline = undefined;
  }

  private progress(): CaptureUpdate {
    const update: CaptureUpdate = { type: 'progress', digitsEntered: this.digits.length };
    if (this.spec.kind === 'card_number' && this.digits.length >= BRAND_AFTER_DIGITS) {
      this.lastBrand = detectBrand(this.digits);
      if (this.lastBrand) update.brand = this.lastBrand;
    }
    return update;
  }

  /** A card number at its brand's longest length, or any field at its maximum, cannot grow. */
  private isEvidentlyComplete(): boolean {
    if (this.digits.isFull) return true;
    if (this.spec.kind !== 'card_number' || !this.lastBrand) return false;
    return this.digits.length === Math.max(...allowedLengths(this.lastBrand));
  }

  private submit(): CaptureUpdate[] {
    if (this.digits.length < this.spec.minLength) return this.failAttempt({ type: 'invalid', reason: 'too_short' });
    const checked = this.validate();
    if (!checked.ok) return this.failAttempt({ type: 'invalid', reason: checked.reason });
    this.state = 'completed';
    this.deadline = undefined;
    const completed: CaptureUpdate = { type: 'completed', digitsEntered: this.digits.length };
    if (checked.brand) completed.brand = checked.brand;
    if (this.spec.kind === 'digits') completed.plainDigits = this.plainDigits();
    return [completed];
  }

  private validate(): { ok: true; brand?: CardBrand } | { ok: false; reason: InvalidReason } {
    switch (this.spec.kind) {
      case 'card_number': {
        const r = checkCardNumber(this.digits);
        if (r.ok) this.result = { brand: r.brand };
        return r;
      }
      case 'expiry': {
        const r = checkExpiry(this.digits, this.today());
        if (r.ok) this.result = { month: r.month, year: r.year };
        return r.ok ? { ok: true } : r;
      }
      default:
        return { ok: true };
    }
  }

  private plainDigits(): string {
    let text = '';
    for (let i = 0; i < this.digits.length; i++) text += String(this.digits.digitAt(i));
    return text;
  }

  private failAttempt(
    update: { type: 'invalid'; reason: InvalidReason } | { type: 'timed_out'; phase: 'first_digit' | 'inter_digit' },
  ): CaptureUpdate[] {
    this.digits.wipe();
    this.lastBrand = undefined;
    this.attemptsUsed++;
    this.deadline = undefined;
    const updates: CaptureUpdate[] = [{ ...update, attemptsLeft: this.attemptsLeft }];
    if (this.attemptsLeft === 0) {
      this.state = 'failed';
      updates.push({ type: 'failed', reason: 'attempts_exhausted' });
    } else {
      this.state = 'waiting'; // until the retry prompt has played and arm() is called again
    }
    return updates;
  }
}
