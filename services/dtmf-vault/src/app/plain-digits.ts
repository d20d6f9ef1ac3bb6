// Plain digits (FIELD_KIND_DIGITS) are the only keys the vault returns in clear, so it decides by
// itself when they may be asked for, whatever call-control asks: only to answer a question that asks
// for non-card data (the allow-list below, by prompt id of @ivr/contracts), only as long as that
// question needs, within a small budget per session, and never once the session has started on the
// card (a card field's capture, or a card prompt played). A compromised call-control can then not
// play "enter your card number" and collect the number as plain digits.
import type { PromptId } from '@ivr/contracts';

export interface PlainDigitsLimits {
  /** Longest transfer code the caller keys (call-control's TRANSFER_CODE_MAX_LENGTH). */
  transferCodeMaxDigits: number;
  /** Plain digits one session may return in all: the transfer code and a few one-key answers. */
  perSession: number;
}

/** Longest plain-digits field: shorter than any card number (13+ digits). */
export const MAX_PLAIN_DIGITS = 12;

export const DEFAULT_PLAIN_DIGITS_LIMITS: PlainDigitsLimits = { transferCodeMaxDigits: 6, perSession: 9 };

/** The questions plain digits may answer, and how long each answer may be. */
const QUESTIONS: Partial<Record<PromptId, (limits: PlainDigitsLimits) => number>> = {
  'enter-transfer-code': (limits) => limits.transferCodeMaxDigits,
  // "Press 1 to confirm, 2 to cancel": a one-key menu.
  'press-1-to-confirm': () => 1,
};

/** Prompts that may be played around such a question: none asks for anything. */
const AROUND: ReadonlySet<PromptId> = new Set<PromptId>([
  'welcome',
  'invalid',
  'try-again',
  'timed-out',
  'unknown-code',
]);

/** Prompts that ask for card data: once one has played, the session is on the card. */
const CARD_PROMPTS: ReadonlySet<PromptId> = new Set<PromptId>([
  'enter-card-number',
  'enter-expiry',
  'enter-security-code',
]);

export class PlainDigitsRefusedError extends Error {}

/** One session's record of plain digits: what was asked, what was returned, whether the card started. */
export class PlainDigitsGuard {
  private returned = 0;
  private cardStarted = false;

  constructor(private readonly limits: PlainDigitsLimits) {}

  /** Prompts were played (PlayPrompts): a card prompt starts the card. */
  played(promptIds: readonly PromptId[]): void {
    if (promptIds.some((id) => CARD_PROMPTS.has(id))) this.cardStarted = true;
  }

  /** A card field's capture starts. */
  cardFieldStarted(): void {
    this.cardStarted = true;
  }

  /** Throws unless a plain-digits field with these prompts and this longest answer may run now. */
  admit(promptIds: readonly PromptId[], retryPromptIds: readonly PromptId[], maxLength: number): void {
    if (this.cardStarted)
      throw new PlainDigitsRefusedError('plain digits are refused once a card field has started in this session');
    const questions = promptIds.filter((id) => QUESTIONS[id] !== undefined);
    const question = questions[0];
    const longest = question === undefined ? undefined : QUESTIONS[question]?.(this.limits);
    if (questions.length !== 1 || question === undefined || longest === undefined)
      throw new PlainDigitsRefusedError(
        `plain digits answer exactly one of these prompts: ${Object.keys(QUESTIONS).join(', ')}`,
      );
    const stray = [...promptIds, ...retryPromptIds].filter((id) => id !== question && !AROUND.has(id));
    if (stray.length)
      throw new PlainDigitsRefusedError(`prompts not allowed with plain digits: ${[...new Set(stray)].join(', ')}`);
    if (maxLength > longest)
      throw new PlainDigitsRefusedError(`${question} is answered with at most ${longest} digits`);
    if (this.returned + maxLength > this.limits.perSession)
      throw new PlainDigitsRefusedError(
        `this session's plain digits are spent (${this.returned} of ${this.limits.perSession} returned)`,
      );
  }

  /** Digits returned in clear by a completed plain-digits field. */
  spent(digits: number): void {
    this.returned += digits;
  }
}
