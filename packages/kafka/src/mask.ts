import { maskCardNumbers } from '@ivr/contracts';

/**
 * Last line of defence for text that leaves this package (dead-letter reasons, logged error
 * messages): a handler's error message could quote a value, so any card-number-shaped run (Luhn-valid
 * 13–19 digits, plain or grouped; `maskCardNumbers` of @ivr/contracts) is masked and the text is cut
 * to a bounded length.
 */
const MAX_LENGTH = 500;

export function maskText(text: string): string {
  const masked = maskCardNumbers(text, '[masked]');
  return masked.length > MAX_LENGTH ? `${masked.slice(0, MAX_LENGTH)}…` : masked;
}

/** The message of anything thrown, masked. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return maskText(text);
}
