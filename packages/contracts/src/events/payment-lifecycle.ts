import type { BalanceState, OperationStatus, PaymentMode, PaymentOperation } from '../vocabulary';

/**
 * The public events on `ivr.payment-lifecycle.v1`: what became of each capture, void and refund of an
 * approved payment, one event per settled operation, key = order id, aggregateType `Payment`, aggregateId =
 * payment id. Documented for order systems in docs/api/asyncapi.yaml and
 * docs/api/schemas/payment-lifecycle.v1.json; webhooks (`payment.captured`, ...) carry the same payload.
 * docs/decisions/0013-payment-lifecycle.md: a topic beside `ivr.payment-completed.v1`, whose one event per payment stays as it was.
 */
export const PaymentLifecycleTypes = {
  captured: 'PaymentCaptured',
  captureFailed: 'PaymentCaptureFailed',
  voided: 'PaymentVoided',
  voidFailed: 'PaymentVoidFailed',
  refunded: 'PaymentRefunded',
  refundFailed: 'PaymentRefundFailed',
} as const;

export type PaymentLifecycleType = (typeof PaymentLifecycleTypes)[keyof typeof PaymentLifecycleTypes];

/** The envelope type of an operation's outcome. */
export function lifecycleTypeOf(operation: PaymentOperation, status: Exclude<OperationStatus, 'PENDING'>) {
  const succeeded = status === 'SUCCEEDED';
  switch (operation) {
    case 'CAPTURE':
      return succeeded ? PaymentLifecycleTypes.captured : PaymentLifecycleTypes.captureFailed;
    case 'VOID':
      return succeeded ? PaymentLifecycleTypes.voided : PaymentLifecycleTypes.voidFailed;
    case 'REFUND':
      return succeeded ? PaymentLifecycleTypes.refunded : PaymentLifecycleTypes.refundFailed;
  }
}

/** The webhook `type` of an envelope type: `PaymentCaptured` → `payment.captured`, `PaymentRefundFailed` → `payment.refund_failed`. */
export const webhookTypeOf = (type: PaymentLifecycleType): string =>
  `payment.${type
    .slice('Payment'.length)
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()}`;

export interface PaymentLifecycleOperation {
  /** `cap_...`, `void_...`, `ref_...`: the REST resource `/v1/payments/{paymentId}/captures/{operationId}` etc. */
  operationId: string;
  operation: PaymentOperation;
  status: Exclude<OperationStatus, 'PENDING'>;
  /** Minor units; 0 for VOID. */
  amount: number;
  /** CAPTURE: the last capture. */
  final: boolean;
  /** FAILED: why (`refused`, `psp_rejected:<code>`, ...) and a message for people. */
  failureReason?: string;
  failureMessage?: string;
  /** REFUND: the PSP's reference of the refund. */
  refundReference?: string;
  requestedAt: string;
  completedAt: string;
}

export interface PaymentLifecyclePayload {
  paymentId: string;
  orderId: string;
  orderSystem: string;
  mode: PaymentMode;
  currency: string;
  pspReference?: string;
  operation: PaymentLifecycleOperation;
  /** The payment's money after this operation. */
  balance: {
    state: BalanceState;
    authorized: number;
    captured: number;
    refunded: number;
    capturable: number;
    refundable: number;
  };
  metadata: Record<string, string>;
}
