/**
 * Last line of defence for text that leaves this package (dead-letter reasons, logged error
 * messages): a handler's error message could quote a value, so any Luhn-valid 13–19 digit run
 * (spaces or dashes allowed between digits) is masked and the text is cut to a bounded length.
 */
const DIGIT_RUN = /\d(?:[ -]?\d){12,18}/g;
const MAX_LENGTH = 500;

export function maskText(text: string): string {
  const masked = text.replace(DIGIT_RUN, (run) => (luhnValid(run.replace(/[ -]/g, '')) ? '[masked]' : run));
  return masked.length > MAX_LENGTH ? `${masked.slice(0, MAX_LENGTH)}…` : masked;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The message of anything thrown, masked. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return maskText(text);
}
