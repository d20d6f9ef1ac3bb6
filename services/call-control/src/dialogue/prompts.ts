// Which recorded prompts each moment of the dialogue plays: prompt ids of @ivr/contracts, which the
// vault's catalog has in every language (an id outside them does not compile here and is refused there).
import type { PromptId } from '@ivr/contracts';
import type { Conclusion } from './conclusion';

export const Prompts = {
  welcome: ['welcome'],
  enterTransferCode: ['enter-transfer-code'],
  confirmAmount: ['press-1-to-confirm'],
  confirmRetry: ['invalid', 'press-1-to-confirm'],
  cardNumber: ['enter-card-number'],
  expiry: ['enter-expiry'],
  securityCode: ['enter-security-code'],
  retry: ['invalid', 'try-again'],
  pleaseWait: ['please-wait'],
  /** The transfer back failed (refused by the PBX, or its target did not answer): then the IVR hangs up. */
  callWillBeReturned: ['call-will-be-returned'],
  /** An agent-assisted call whose operator could not join: the caller goes on alone. */
  operatorUnavailable: ['operator-unavailable'],
  operatorLeft: ['operator-left'],
} as const satisfies Record<string, readonly PromptId[]>;

/** What the caller hears at the end, before being handed back. */
export function resultPrompts(conclusion: Conclusion): PromptId[] {
  const back: PromptId = 'transferring-back';
  switch (conclusion.kind) {
    case 'approved':
      return ['approved', back];
    case 'registered':
      return ['registered', back];
    case 'declined':
      return ['declined', back];
    case 'cancelled':
    case 'operator-cancelled':
      return ['cancelled', back];
    case 'payment-failed':
    case 'card-rejected':
    case 'unavailable':
      return ['payment-failed', back];
    case 'capture-failed':
      return ['invalid', 'cancelled', back];
    case 'unknown-code':
      return ['unknown-code', back];
    case 'payment-pending':
      return ['please-wait', back];
  }
}
