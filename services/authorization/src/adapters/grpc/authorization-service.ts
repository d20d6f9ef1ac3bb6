import { type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { AuthorizationServiceServer } from '@ivr/contracts/authorization/v1';
import type { Logger } from '@ivr/logging';
import { type Authorizations, GatewayUnavailable, type OperationInput } from '../../app/authorizations';
import {
  AuthorizationNotFound,
  type AuthorizationState,
  IdempotencyConflict,
  InvalidArgument,
  InvalidState,
  REFUSED_CODE,
} from '../../authorization';
import { authorizationToProto, cardFromProto, modeFromProto, moneyFromProto } from './mapping';

/** A status the caller receives: grpc-js (and @ivr/grpc's guard) answer with its code and details. */
class CallError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(details);
  }
}

/** gRPC handlers for ivr.authorization.v1.AuthorizationService: translate, call the use case, map errors. */
export function authorizationService(authorizations: Authorizations, logger: Logger): AuthorizationServiceServer {
  const unary =
    <Req, Res>(name: string, handle: (request: Req) => Promise<Res>) =>
    (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      handle(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => callback(toStatus(name, error, logger)),
      );
    };
  const answer = (state: AuthorizationState) => ({ authorization: authorizationToProto(state) });

  return {
    authorize: unary('Authorize', async (request) => {
      const state = await authorizations.authorize({
        paymentId: request.paymentId,
        mode: modeFromProto(request.mode),
        amount: moneyFromProto(request.amount),
        orderReference: request.orderReference,
        card: cardFromProto(request.card),
        customerReference: request.customerReference || null,
        ...(request.pspAccountId ? { pspAccountId: request.pspAccountId } : {}),
        correlationId: request.correlationId || undefined,
      });
      if (state.status === 'FAILED' && state.failure?.retryable) {
        throw new CallError(
          status.UNAVAILABLE,
          `${state.failure.message} (${state.failure.code}); nothing was charged, retry with the same payment id`,
        );
      }
      return answer(state);
    }),
    capture: unary('Capture', async (request) =>
      answer(
        await operation(authorizations, {
          paymentId: request.paymentId,
          operationId: request.operationId || 'capture',
          operation: 'CAPTURE',
          amount: moneyFromProto(request.amount),
          final: !request.notFinal,
          correlationId: request.correlationId,
        }),
      ),
    ),
    void: unary('Void', async (request) =>
      answer(
        await operation(authorizations, {
          paymentId: request.paymentId,
          operationId: request.operationId || 'void',
          operation: 'VOID',
          amount: null,
          correlationId: request.correlationId,
        }),
      ),
    ),
    refund: unary('Refund', async (request) => {
      if (!request.operationId) throw new InvalidArgument('operation_id', 'is required: each refund has its own');
      return answer(
        await operation(authorizations, {
          paymentId: request.paymentId,
          operationId: request.operationId,
          operation: 'REFUND',
          amount: moneyFromProto(request.amount),
          correlationId: request.correlationId,
        }),
      );
    }),
    abandonAuthorization: unary('AbandonAuthorization', async (request) =>
      answer(
        await authorizations.abandon(
          request.paymentId,
          request.reason || 'CALL_LOST',
          request.correlationId || undefined,
        ),
      ),
    ),
    getAuthorization: unary('GetAuthorization', async (request) => {
      if (!request.paymentId) throw new InvalidArgument('payment_id', 'is required');
      return answer(await authorizations.get(request.paymentId));
    }),
  };
}

/**
 * An operation through gRPC: the same use case as order-link's requests through Kafka. A refusal by the rule
 * (recorded, nothing sent) is INVALID_ARGUMENT naming the field or FAILED_PRECONDITION; a PSP refusal is
 * FAILED_PRECONDITION; one not settled comes back PENDING in the answer's operations.
 */
async function operation(
  authorizations: Authorizations,
  input: Omit<OperationInput, 'correlationId'> & { correlationId: string },
): Promise<AuthorizationState> {
  if (!input.paymentId) throw new InvalidArgument('payment_id', 'is required');
  const { correlationId, ...rest } = input;
  const state = await authorizations.requestOperation({ ...rest, ...(correlationId ? { correlationId } : {}) });
  const op = state.operations[input.operationId];
  if (op?.status === 'FAILED' && op.failure) {
    const { code, message, field } = op.failure;
    if (code === REFUSED_CODE && field) {
      throw new InvalidArgument(
        field === 'amount' ? 'amount.minor_units' : field === 'final' ? 'not_final' : field,
        message,
      );
    }
    throw new InvalidState(`${input.operation.toLowerCase()} ${input.operationId}: ${message} (${code})`);
  }
  return state;
}

function toStatus(method: string, error: unknown, logger: Logger): Partial<{ code: status; details: string }> {
  if (error instanceof CallError) return { code: error.code, details: error.details };
  if (error instanceof InvalidArgument) return { code: status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof IdempotencyConflict) return { code: status.ALREADY_EXISTS, details: error.message };
  if (error instanceof AuthorizationNotFound) return { code: status.NOT_FOUND, details: error.message };
  if (error instanceof InvalidState) return { code: status.FAILED_PRECONDITION, details: error.message };
  if (error instanceof GatewayUnavailable) return { code: status.UNAVAILABLE, details: error.message };
  logger.error({ err: error, method }, `${method} failed`);
  return { code: status.INTERNAL, details: 'internal error' };
}
