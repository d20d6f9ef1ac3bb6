// The dialogue's tunables (read from the environment in src/config.ts).
import type { Language } from '@ivr/contracts';

export interface FieldTiming {
  maxAttempts: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export interface DialogueConfig {
  /** Language of the prompts before the payment (and its language) is known. */
  defaultLanguage: Language;
  transferCode: FieldTiming & { minLength: number; maxLength: number };
  /** "Press 1 to confirm" after the amount read-back. */
  confirm: FieldTiming;
  cardNumber: FieldTiming;
  expiry: FieldTiming;
  securityCode: FieldTiming;
  /** Calls to Authorize when the service is unreachable (same payment id: never charged twice). */
  authorizeAttempts: number;
  /** While the outcome is PENDING, ask again every pollMs, for at most waitMs in all. */
  pendingPollMs: number;
  pendingWaitMs: number;
  /**
   * After the last key of the card, how long the result may take before "please wait" plays (it is cut
   * by the result prompt the moment the result comes).
   */
  pleaseWaitAfterMs: number;
  /** Where a caller goes back when no payment tells (unknown code); BYE when absent. */
  fallbackReturnUri?: string;
  /** A PBX that refuses the hand-back REFER: call the operator and bridge the two instead. */
  callBackWhenReferRefused: boolean;
}

export const DEFAULT_DIALOGUE_CONFIG: DialogueConfig = {
  defaultLanguage: 'ja',
  transferCode: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 5000, minLength: 6, maxLength: 6 },
  confirm: { maxAttempts: 3, firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 5000 },
  cardNumber: { maxAttempts: 3, firstDigitTimeoutMs: 15_000, interDigitTimeoutMs: 8000 },
  expiry: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 6000 },
  securityCode: { maxAttempts: 3, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 6000 },
  authorizeAttempts: 3,
  pendingPollMs: 1000,
  pendingWaitMs: 10_000,
  pleaseWaitAfterMs: 250,
  callBackWhenReferRefused: true,
};
