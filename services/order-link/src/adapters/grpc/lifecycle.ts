// PaymentService's captures, voids and refunds (docs/decisions/0013-payment-lifecycle.md): the same use
// case as REST (OperationsApp), its answers mapped to ivr.orderlink.v1.PaymentOperation.
import type { Metadata, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { PaymentOperation as Operation } from '@ivr/contracts';
import type { Money } from '@ivr/contracts/common/v1';
import {
  type PaymentOperation,
  PaymentOperationKind,
  PaymentOperationStatus,
  type PaymentServiceServer,
} from '@ivr/contracts/orderlink/v1';
import { AppError } from '../../app/errors';
import type { OperationView } from '../../app/operation-view';
import type { OperationInput, OperationsApp } from '../../app/operations-app';
import type { Principal } from '../../app/ports';
import { balanceToProto, toTimestamp } from './mapping';

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;
type Wrap = <Req, Res>(fn: (req: Req, metadata: Metadata) => Promise<Res>) => Unary<Req, Res>;

export function operationToProto(v: OperationView): PaymentOperation {
  return {
    operationId: v.id,
    paymentId: v.paymentId,
    operation: PaymentOperationKind[`PAYMENT_OPERATION_KIND_${v.operation}`],
    status: PaymentOperationStatus[`PAYMENT_OPERATION_STATUS_${v.status}`],
    amount: { minorUnits: v.amount, currency: v.currency },
    final: v.final,
    reason: v.reason ?? '',
    failureReason: v.failure?.reason ?? '',
    failureMessage: v.failure?.message ?? '',
    refundReference: v.refundReference ?? '',
    requestedBy: v.requestedBy,
    requestedAt: toTimestamp(v.requestedAt),
    ...(v.completedAt ? { completedAt: toTimestamp(v.completedAt) } : {}),
    ...(v.balance ? { balance: balanceToProto(v.balance) } : {}),
  };
}

/** The amount of a request: absent means "all that can be"; another currency than the payment's is refused later. */
function amountOf(money: Money | undefined): number | undefined {
  if (!money) return undefined;
  if (!Number.isSafeInteger(money.minorUnits) || money.minorUnits <= 0) {
    throw new AppError('invalid', 'amount.minor_units must be a whole number above 0', [
      { in: 'body', field: 'amount.minor_units', message: 'must be above 0' },
    ]);
  }
  return money.minorUnits;
}

/** gRPC names its fields in snake case; a refusal naming `final` is about `not_final` here. */
function grpcFields(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const rename: Record<string, string> = { final: 'not_final', amount: 'amount.minor_units', paymentId: 'payment_id' };
  return new AppError(
    err.kind,
    err.message,
    err.fields.map((f) => ({ ...f, field: rename[f.field] ?? f.field })),
  );
}

export function lifecycleHandlers(
  operations: OperationsApp,
  authenticate: (metadata: Metadata) => Promise<Principal>,
  unary: Wrap,
): Pick<PaymentServiceServer, 'capturePayment' | 'voidPayment' | 'refundPayment' | 'listPaymentOperations'> {
  const request = async (
    md: Metadata,
    r: { idempotencyKey: string; paymentId: string; reason: string },
    operation: Operation,
    input: OperationInput,
  ) => {
    const who = await authenticate(md);
    if (r.idempotencyKey.length < 8 || r.idempotencyKey.length > 255) {
      throw new AppError('invalid', 'idempotency_key is required: 8 to 255 characters', [
        { in: 'body', field: 'idempotency_key', message: '8 to 255 characters' },
      ]);
    }
    try {
      const answer = await operations.request(who, r.paymentId, operation, r.idempotencyKey, {
        ...input,
        ...(r.reason ? { reason: r.reason } : {}),
      });
      return { operation: operationToProto(answer.body) };
    } catch (err) {
      throw grpcFields(err);
    }
  };
  return {
    capturePayment: unary(async (req, md) => {
      const amount = amountOf(req.amount);
      return request(md, req, 'CAPTURE', { ...(amount ? { amount } : {}), ...(req.notFinal ? { final: false } : {}) });
    }),
    voidPayment: unary(async (req, md) => request(md, req, 'VOID', {})),
    refundPayment: unary(async (req, md) => {
      const amount = amountOf(req.amount);
      return request(md, req, 'REFUND', amount ? { amount } : {});
    }),
    listPaymentOperations: unary(async (req, md) => {
      const who = await authenticate(md);
      try {
        const all = await Promise.all(
          (['CAPTURE', 'VOID', 'REFUND'] as const).map((op) => operations.list(who, req.paymentId, op)),
        );
        const ordered = all.flat().sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
        return { operations: ordered.map(operationToProto) };
      } catch (err) {
        throw grpcFields(err);
      }
    }),
  };
}
