// Where a text holds something shaped like a card number: a Luhn-valid run of 13–19 digits, written
// plain or in groups with spaces, dashes or dots between them ("dddd dddd dddd dddd", "dddd-dddd-…",
// "dddd.dddd.…"). One detector for everyone: the APIs refuse free text that holds one, the log and
// dead-letter masks hide one. It recognises the shape of a card number, not a real card.
import { luhnValid } from './luhn';

export const CARD_NUMBER_MIN_DIGITS = 13;
export const CARD_NUMBER_MAX_DIGITS = 19;

/**
 * Groups of ASCII digits joined by up to three separators each: whitespace, dots, and hyphens/dashes
 * (ASCII `-`, U+2010–U+2015, U+2212), e.g. "dddd - dddd".
 */
const SEPARATOR = '[\\s.\\-\\u2010-\\u2015\\u2212]';
const DIGIT_RUN = new RegExp(`\\d+(?:${SEPARATOR}{1,3}\\d+)*`, 'g');
const GROUP = new RegExp(`\\d+(?:${SEPARATOR}{1,3})?`, 'g');

/** A span [start, end) of a text that holds a card-number-shaped run (separators inside it included). */
export interface CardNumberSpan {
  start: number;
  end: number;
}

/**
 * Every card-number-shaped span of `text`. Within a run of digit groups, each span is the longest
 * sequence of whole groups, from a group on, whose 13–19 digits pass Luhn; a plain run of more than
 * 19 digits is not a card number. Only ASCII digits count: normalize first (`containsCardNumber` does)
 * to catch full-width ones.
 */
export function cardNumberSpans(text: string): CardNumberSpan[] {
  const spans: CardNumberSpan[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    if (run[0].length < CARD_NUMBER_MIN_DIGITS) continue; // most runs: dates, amounts, small numbers
    const groups = [...run[0].matchAll(GROUP)].map((g) => ({
      at: (run.index ?? 0) + (g.index ?? 0),
      digits: g[0].replace(/\D/g, ''),
      length: /^\d+/.exec(g[0])?.[0].length ?? 0,
    }));
    let i = 0;
    while (i < groups.length) {
      const end = longestFrom(groups, i);
      if (end === -1) {
        i++;
        continue;
      }
      const last = groups[end]!;
      spans.push({ start: groups[i]!.at, end: last.at + last.length });
      i = end + 1;
    }
  }
  return spans;
}

/** Index of the last group of the longest Luhn-valid 13–19 digit sequence starting at group `start`, or -1. */
function longestFrom(groups: { digits: string }[], start: number): number {
  let digits = '';
  let best = -1;
  for (let j = start; j < groups.length; j++) {
    digits += groups[j]!.digits;
    if (digits.length > CARD_NUMBER_MAX_DIGITS) break;
    if (digits.length >= CARD_NUMBER_MIN_DIGITS && luhnValid(digits)) best = j;
  }
  return best;
}

/** `text` with every card-number-shaped span replaced by `mask` (the log and dead-letter masks). */
export function maskCardNumbers(text: string, mask: string): string {
  if (!/\d/.test(text)) return text;
  let out = '';
  let at = 0;
  for (const { start, end } of cardNumberSpans(text)) {
    out += text.slice(at, start) + mask;
    at = end;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * Whether free text holds a card-number-shaped run. The text is NFKC-normalized first, so full-width
 * digits and separators (as typed with a Japanese input method) count like ASCII ones.
 */
export function containsCardNumber(text: string): boolean {
  if (!/\d/.test(text) && !/[\uff10-\uff19]/.test(text)) return false;
  return cardNumberSpans(text.normalize('NFKC')).length > 0;
}
