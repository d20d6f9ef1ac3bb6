// Last line of defence against card numbers in logs. Card data must never reach a logger in the
// first place; this catches the mistake when it happens anyway, so it errs on the side of masking.

import { luhnValid } from '@ivr/contracts';

export const PAN_MASK = '[PAN REDACTED]';

// A run of digit groups joined by single spaces or dashes ("dddd dddd dddd dddd", "dddd-dddddd-ddddd").
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const MIN_PAN = 13;
const MAX_PAN = 19;

/**
 * Replaces every Luhn-valid run of 13–19 digits, written plain or grouped with spaces or dashes,
 * by `[PAN REDACTED]`. Within a longer grouped run (e.g. "order 12 dddd dddd dddd dddd"), any
 * sequence of whole groups that forms a card number is masked; a plain run of more than 19 digits
 * is not a card number and is left alone.
 */
export function maskPans(text: string): string {
  if (!/\d{4}/.test(text) && !/\d[ -]\d/.test(text)) return text;
  return text.replace(DIGIT_RUN, maskRun);
}

function maskRun(run: string): string {
  if (run.length < MIN_PAN) return run; // most runs: dates, small numbers
  const digitCount = run.length - (run.match(/[ -]/g)?.length ?? 0);
  if (digitCount < MIN_PAN) return run;
  // Groups with their separator, so a masked span can be cut out and the rest kept as written.
  const groups = run.match(/\d+[ -]?/g) ?? [];
  const out: string[] = [];
  let i = 0;
  while (i < groups.length) {
    const end = longestPanFrom(groups, i);
    if (end === -1) {
      out.push(groups[i] ?? '');
      i++;
    } else {
      const trailing = /[ -]$/.exec(groups[end] ?? '')?.[0] ?? '';
      out.push(PAN_MASK + trailing);
      i = end + 1;
    }
  }
  return out.join('');
}

/** Index of the last group of the longest card number starting at group `start`, or -1. */
function longestPanFrom(groups: string[], start: number): number {
  let digits = '';
  let best = -1;
  for (let j = start; j < groups.length; j++) {
    digits += (groups[j] ?? '').replace(/[ -]/g, '');
    if (digits.length > MAX_PAN) break;
    if (digits.length >= MIN_PAN && luhnValid(digits)) best = j;
  }
  return best;
}
