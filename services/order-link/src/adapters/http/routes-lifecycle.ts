import type { PaymentOperation } from '@ivr/contracts';
import type { Request } from 'express';
import { AppError } from '../../app/errors';
import { OPERATION_RESOURCES, type OperationInput } from '../../app/operations-app';
import type { Route } from './routes';

const principal = (req: Request) => {
  if (!req.principal) throw new AppError('unauthenticated', 'a valid API key is required');
  return req.principal;
};

const SCHEMA: Record<PaymentOperation, 'Capture' | 'Void' | 'Refund'> = {
  CAPTURE: 'Capture',
  VOID: 'Void',
  REFUND: 'Refund',
};

/** POST, GET list and GET one of a payment's captures, voids or refunds (openapi-lifecycle.ts). */
function operationRoutes(operation: PaymentOperation): Route[] {
  const { collection } = OPERATION_RESOURCES[operation];
  const schema = SCHEMA[operation];
  const idParam = `${schema.toLowerCase()}Id`;
  return [
    {
      method: 'post',
      path: `/v1/payments/{paymentId}/${collection}`,
      operationId: `create${schema}`,
      handle: async (req, res, d) => {
        const paymentId = String(req.params.paymentId);
        const answer = await d.operations.request(
          principal(req),
          paymentId,
          operation,
          String(req.get('Idempotency-Key')),
          (req.body ?? {}) as OperationInput,
        );
        if (answer.replayed) res.set('Idempotency-Replayed', 'true');
        res
          .status(answer.status)
          .location(`/v1/payments/${paymentId}/${collection}/${answer.body.id}`)
          .json(answer.body);
      },
    },
    {
      method: 'get',
      path: `/v1/payments/{paymentId}/${collection}`,
      operationId: `list${schema}s`,
      handle: async (req, res, d) => {
        res.json({ data: await d.operations.list(principal(req), String(req.params.paymentId), operation) });
      },
    },
    {
      method: 'get',
      path: `/v1/payments/{paymentId}/${collection}/{${idParam}}`,
      operationId: `get${schema}`,
      handle: async (req, res, d) => {
        res.json(
          await d.operations.get(principal(req), String(req.params.paymentId), operation, String(req.params[idParam])),
        );
      },
    },
  ];
}

/** Captures, voids and refunds of approved payments (docs/decisions/0013-payment-lifecycle.md). */
export const lifecycleRoutes: Route[] = (['CAPTURE', 'VOID', 'REFUND'] as const).flatMap(operationRoutes);
