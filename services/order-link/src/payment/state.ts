import type { CardSummary, PaymentOutcome, PaymentRequestedPayload } from '@ivr/contracts';
import type { PaymentEvent } from './events';

export type PaymentStatus =
  | 'REQUESTED'
  | 'IN_IVR'
  | 'CARD_CAPTURED'
  | 'APPROVED'
  | 'DECLINED'
  | 'FAILED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'ABANDONED';

export const TERMINAL_STATUSES: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'APPROVED',
  'DECLINED',
  'FAILED',
  'CANCELLED',
  'EXPIRED',
  'ABANDONED',
]);

export interface PaymentOutcomeDetails {
  outcome: PaymentOutcome;
  authorizationCode?: string;
  pspReference?: string;
  captured?: boolean;
  storedCardReference?: string;
  reason?: string;
  completedAt: string;
}

/** A payment as folded from its events. `null` before PaymentRequested. */
export interface Payment {
  status: PaymentStatus;
  request: PaymentRequestedPayload;
  callId?: string;
  threeWay?: boolean;
  card?: CardSummary;
  result?: PaymentOutcomeDetails;
  updatedAt: string;
}

export type PaymentState = Payment | null;

export const initialPaymentState: PaymentState = null;

export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export type { PaymentEvent };
