import { oneOf } from './one-of';

/**
 * The sentences the IVR can say, by id: call-control's dialogue asks for them (`prompt_ids` of the
 * vault's PlayPrompts and CaptureField), the vault's prompt catalog has a recording of each in every
 * language and refuses any other id. Amounts are read back from the vault's own number fragments,
 * which are not prompt ids. A new sentence is one id here, then the compiler asks for its text in the
 * vault's catalog.
 */
export const PROMPT_IDS = [
  'welcome',
  'amount-is',
  'amount-end',
  'press-1-to-confirm',
  'enter-card-number',
  'enter-expiry',
  'enter-security-code',
  'invalid',
  'try-again',
  'timed-out',
  'please-wait',
  'approved',
  'declined',
  'registered',
  'cancelled',
  'transferring-back',
  'goodbye',
  'enter-transfer-code',
  'unknown-code',
  'payment-failed',
  'call-will-be-returned',
  'operator-unavailable',
  'operator-left',
] as const;
export type PromptId = (typeof PROMPT_IDS)[number];
export const isPromptId = oneOf(PROMPT_IDS);
