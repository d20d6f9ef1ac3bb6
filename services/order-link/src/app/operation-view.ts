import type { Actor, OperationStatus, PaymentLifecyclePayload, PaymentOperation } from '@ivr/contracts';
import { balanceView, type Payment, type PaymentOperationRecord } from '../payment';

/** A capture, void or refund as the REST API answers it (the OpenAPI `Capture`, `Void`, `Refund` schemas). */
export interface OperationView {
  /** `cap_...`, `void_...`, `ref_...`. */
  id: string;
  paymentId: string;
  orderId: string;
  operation: PaymentOperation;
  status: OperationStatus;
  /** Minor units; 0 for a void. */
  amount: number;
  currency: string;
  /** A capture: the last one. */
  final: boolean;
  reason: string | null;
  /** FAILED: why (`refused`, `psp_rejected:<code>`, ...); nothing moved. */
  failure: { reason: string; message: string } | null;
  refundReference: string | null;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
  /** The payment's money now (after this operation when it has settled). */
  balance: PaymentLifecyclePayload['balance'] | null;
}

const actorLabel = (a: Actor): string => (a.kind === 'api_key' ? `api_key:${a.id}` : `${a.kind}:${a.id}`);

export function toOperationView(p: Payment, op: PaymentOperationRecord): OperationView {
  return {
    id: op.operationId,
    paymentId: p.request.paymentId,
    orderId: p.request.orderId,
    operation: op.operation,
    status: op.status,
    amount: op.amount,
    currency: p.request.currency,
    final: op.final,
    reason: op.reason ?? null,
    failure: op.failure ?? null,
    refundReference: op.refundReference ?? null,
    requestedBy: actorLabel(op.requestedBy),
    requestedAt: op.requestedAt,
    completedAt: op.completedAt ?? null,
    balance: balanceView(p),
  };
}
