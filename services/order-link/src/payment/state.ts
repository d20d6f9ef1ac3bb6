import {
  type Actor,
  type Balance,
  type CallMode,
  type CardSummary,
  isPaymentOutcome,
  type LifecycleCapabilities,
  type OperationStatus,
  type PaymentOperation,
  type PaymentOutcome,
  type PaymentRequestedPayload,
  type PaymentResultDetails,
  type PaymentStatus,
} from '@ivr/contracts';
import type { PaymentEvent } from './events';

export type { PaymentStatus };

/** A terminal outcome: its kind, what the PSP or the call said (the public event's details), and when. */
export interface PaymentOutcomeDetails extends PaymentResultDetails {
  outcome: PaymentOutcome;
  completedAt: string;
}

/** A capture, void or refund of the payment (REST `/v1/payments/{id}/captures/{operationId}`, ...). */
export interface PaymentOperationRecord {
  operationId: string;
  operation: PaymentOperation;
  status: OperationStatus;
  /** Minor units; 0 for VOID. */
  amount: number;
  final: boolean;
  reason?: string;
  requestedBy: Actor;
  requestedAt: string;
  completedAt?: string;
  failure?: { reason: string; message: string };
  refundReference?: string;
}

/** An approved payment's money and what was done with it (not for REGISTER_CARD). */
export interface PaymentLifecycle {
  capabilities: LifecycleCapabilities;
  balance: Balance;
  /** In the order asked. */
  operations: PaymentOperationRecord[];
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
  /** Set once APPROVED (modes AUTHORIZE and CAPTURE): captures, voids and refunds. */
  lifecycle?: PaymentLifecycle;
  updatedAt: string;
}

export type PaymentState = Payment | null;

export const initialPaymentState: PaymentState = null;

/**
 * A terminal status (one of the outcomes): the status never changes again. An APPROVED payment's money
 * still moves (captures, voids, refunds: `lifecycle`), which its status does not show.
 */
export function isTerminal(status: PaymentStatus): boolean {
  return isPaymentOutcome(status);
}

/** The operation in flight (one at a time per payment), if any. */
export const pendingOperation = (p: Payment): PaymentOperationRecord | undefined =>
  p.lifecycle?.operations.find((o) => o.status === 'PENDING');

export const operationOf = (p: Payment, operationId: string): PaymentOperationRecord | undefined =>
  p.lifecycle?.operations.find((o) => o.operationId === operationId);

export type { PaymentEvent };
