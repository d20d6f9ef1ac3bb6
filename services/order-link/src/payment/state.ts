import {
  type Actor,
  type CallMode,
  type CardSummary,
  isPaymentOutcome,
  type PaymentOutcome,
  type PaymentRequestedPayload,
  type PaymentStatus,
} from '@ivr/contracts';
import type { PaymentEvent } from './events';

export type { PaymentStatus };

export interface PaymentOutcomeDetails {
  outcome: PaymentOutcome;
  authorizationCode?: string;
  pspReference?: string;
  captured?: boolean;
  storedCardReference?: string;
  reason?: string;
  /** DECLINED: the PSP's own codes. */
  pspCode?: string;
  pspDeclineCode?: string;
  completedAt: string;
}

/** A payment as folded from its events. `null` before PaymentRequested. */
export interface Payment {
  status: PaymentStatus;
  request: PaymentRequestedPayload;
  callId?: string;
  /** How the call went, once the caller is in the IVR (the request's mode; read with callModeOf). */
  callMode?: CallMode;
  /** A cancellation asked of the IVR (agent-assisted, in the IVR), until the IVR reports it done. */
  cancellation?: { by: Actor; reason?: string };
  card?: CardSummary;
  result?: PaymentOutcomeDetails;
  updatedAt: string;
}

export type PaymentState = Payment | null;

export const initialPaymentState: PaymentState = null;

/** A terminal status (one of the outcomes): the payment never changes again. */
export function isTerminal(status: PaymentStatus): boolean {
  return isPaymentOutcome(status);
}

export type { PaymentEvent };
