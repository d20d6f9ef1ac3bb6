// How a dialogue ends, decided by the step that ends it; the result and return steps only act on it.
import type { CallEndReason, RegistrationDecline } from '@ivr/contracts';

export type Conclusion =
  | { kind: 'approved' }
  | { kind: 'registered' }
  | { kind: 'declined' }
  | { kind: 'payment-failed' }
  /** The PSP's answer is not known yet: authorization reconciles it, the operator sees the outcome. */
  | { kind: 'payment-pending' }
  | { kind: 'capture-failed' }
  | { kind: 'card-rejected'; decline?: RegistrationDecline }
  | { kind: 'cancelled' }
  /** The operator of an agent-assisted call cancelled it from the console. */
  | { kind: 'operator-cancelled' }
  | { kind: 'unknown-code' }
  /** `call-control`: its own database could not store the call's facts. */
  | { kind: 'unavailable'; service: 'order-link' | 'authorization' | 'dtmf-vault' | 'psp' | 'call-control' };

/** The reason recorded in CallEnded, given whether the caller was handed back. */
export function endReason(conclusion: Conclusion, returned: 'referred' | 'bridged' | 'failed'): CallEndReason {
  switch (conclusion.kind) {
    case 'approved':
    case 'registered':
    case 'declined':
    case 'payment-failed':
    case 'payment-pending':
      if (returned === 'failed') return 'RETURN_FAILED';
      return returned === 'bridged' ? 'OPERATOR_STAYED_ON' : 'RETURNED_TO_OPERATOR';
    case 'capture-failed':
      return 'CAPTURE_FAILED';
    case 'card-rejected':
      return 'CARD_REJECTED';
    case 'cancelled':
      return 'CALLER_CANCELLED';
    case 'operator-cancelled':
      return 'OPERATOR_CANCELLED';
    case 'unknown-code':
      return 'UNKNOWN_TRANSFER_CODE';
    case 'unavailable':
      if (conclusion.service === 'dtmf-vault') return 'VAULT_UNAVAILABLE';
      return conclusion.service === 'psp' ? 'PSP_UNAVAILABLE' : 'SERVICE_UNAVAILABLE';
  }
}
