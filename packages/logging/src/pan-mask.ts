// Last line of defence against card numbers in logs. Card data must never reach a logger in the
// first place; this catches the mistake when it happens anyway, so it errs on the side of masking.

import { maskCardNumbers } from '@ivr/contracts';

export const PAN_MASK = '[PAN REDACTED]';

/**
 * Replaces every card-number-shaped run (a Luhn-valid 13–19 digits, written plain or grouped with
 * spaces, dashes or dots; `maskCardNumbers` of @ivr/contracts) by `[PAN REDACTED]`. Within a longer
 * grouped run (e.g. "order 12 dddd dddd dddd dddd"), any sequence of whole groups that forms a card
 * number is masked; a plain run of more than 19 digits is not a card number and is left alone.
 */
export function maskPans(text: string): string {
  return maskCardNumbers(text, PAN_MASK);
}
