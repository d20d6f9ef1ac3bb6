import type { Actor, PaymentOperation } from '@ivr/contracts';
import { operationOf, type Payment } from '../payment';
import { AppError } from './errors';
import { type OperationView, toOperationView } from './operation-view';
import type { Answer } from './payments-app';
import { canonical, requireScope, sha256, toAppError } from './payments-app';
import {
  type Clock,
  type IdempotencyKeys,
  type PaymentCommands,
  type PaymentReads,
  type Principal,
  Scopes,
} from './ports';

export interface OperationInput {
  /** Minor units; absent: all that can be captured or refunded. Never for a void. */
  amount?: number;
  /** A capture: the last one (default true). */
  final?: boolean;
  reason?: string;
}

export interface OperationsAppDeps {
  payments: PaymentCommands;
  queries: PaymentReads;
  idempotency: IdempotencyKeys;
  clock: Clock;
  /**
   * How long a request waits for the PSP's answer before it is answered 202 PENDING (the outcome then comes
   * on the lifecycle topic, as a webhook, and at the operation's URL). 0: answer at once.
   */
  settleWaitMs: number;
  /** Waits between looks at the read model (injected for tests). */
  sleep: (ms: number) => Promise<unknown>;
}

/** The REST collection of each operation, and the prefix of its ids. */
export const OPERATION_RESOURCES: Record<PaymentOperation, { collection: string; prefix: string }> = {
  CAPTURE: { collection: 'captures', prefix: 'cap' },
  VOID: { collection: 'voids', prefix: 'void' },
  REFUND: { collection: 'refunds', prefix: 'ref' },
};

const actorLabel = (a: Actor): string => `${a.kind}:${a.id}`;

/**
 * Captures, voids and refunds of approved payments, for order systems (REST, gRPC) and supervisors (console).
 * Each is idempotent by the caller's key: the operation id follows from it, the first request is recorded
 * with its answer in the transaction of its event, a repeat answers the operation as it stands now, the key
 * with another request is refused. The Payment decides (the lifecycle rule: nothing beyond what can be
 * captured or refunded, no void after a capture, only what the PSP can do, one operation at a time); the
 * authorization service sends it to the PSP and its answer comes back through Kafka.
 */
export class OperationsApp {
  constructor(private readonly d: OperationsAppDeps) {}

  async request(
    who: Principal,
    paymentId: string,
    operation: PaymentOperation,
    idempotencyKey: string,
    input: OperationInput,
  ): Promise<Answer<OperationView>> {
    requireScope(who, operation === 'REFUND' ? Scopes.paymentsRefund : Scopes.paymentsWrite);
    const { collection, prefix } = OPERATION_RESOURCES[operation];
    const methodPath = `POST /v1/payments/${paymentId}/${collection}`;
    const requestHash = sha256(canonical(input));
    const operationId = `${prefix}_${sha256(`${who.orderSystem}\u0000${idempotencyKey}`).slice(0, 26)}`;
    await this.owned(who, paymentId);

    const earlier = await this.d.idempotency.find(who.orderSystem, idempotencyKey);
    if (earlier) {
      if (earlier.methodPath !== methodPath || earlier.requestSha256 !== requestHash) {
        throw new AppError('idempotency_mismatch', 'this Idempotency-Key was already used with a different request', [
          { in: 'header', field: 'Idempotency-Key', message: 'reused with a different request' },
        ]);
      }
      return { ...(await this.answer(paymentId, operationId)), replayed: true };
    }
    try {
      await this.d.payments.execute(
        paymentId,
        {
          type: 'RequestOperation',
          operationId,
          operation,
          ...(input.amount !== undefined ? { amount: input.amount } : {}),
          ...(input.final !== undefined ? { final: input.final } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
          requestedBy: who.actor,
          at: this.d.clock.now().toISOString(),
        },
        {
          actor: actorLabel(who.actor),
          correlationId: paymentId,
          after: async (tx, next) => {
            const op = operationOf(next as Payment, operationId);
            await this.d.idempotency.record(tx, who.orderSystem, idempotencyKey, {
              methodPath,
              requestSha256: requestHash,
              status: 202,
              response: op ? toOperationView(next as Payment, op) : {},
            });
          },
        },
      );
    } catch (err) {
      // The same key raced in from another request: its record answers.
      if ((err as { code?: string }).code === '23505')
        return this.request(who, paymentId, operation, idempotencyKey, input);
      throw toAppError(err);
    }
    await this.settled(paymentId, operationId);
    return { ...(await this.answer(paymentId, operationId)), replayed: false };
  }

  async list(who: Principal, paymentId: string, operation: PaymentOperation): Promise<OperationView[]> {
    requireScope(who, Scopes.paymentsRead);
    const p = await this.owned(who, paymentId);
    return (p.lifecycle?.operations ?? []).filter((o) => o.operation === operation).map((o) => toOperationView(p, o));
  }

  async get(
    who: Principal,
    paymentId: string,
    operation: PaymentOperation,
    operationId: string,
  ): Promise<OperationView> {
    requireScope(who, Scopes.paymentsRead);
    const p = await this.owned(who, paymentId);
    const op = operationOf(p, operationId);
    if (op?.operation !== operation) {
      throw new AppError('not_found', `payment ${paymentId} has no ${operation.toLowerCase()} ${operationId}`);
    }
    return toOperationView(p, op);
  }

  /** The payment, if this order system's: another's is not found, as an unknown one is (nothing is revealed). */
  private async owned(who: Principal, paymentId: string): Promise<Payment> {
    const p = await this.d.queries.get(paymentId);
    if (!p || p.request.orderSystem !== who.orderSystem)
      throw new AppError('not_found', `payment ${paymentId} not found`, [
        { in: 'path', field: 'paymentId', message: 'no such payment of this order system' },
      ]);
    return p;
  }

  /** 201 once settled (succeeded, or failed with nothing moved), 202 while the PSP's answer is awaited. */
  private async answer(paymentId: string, operationId: string): Promise<{ status: number; body: OperationView }> {
    const p = await this.d.queries.get(paymentId);
    const op = p ? operationOf(p, operationId) : undefined;
    if (!p || !op) throw new AppError('not_found', `operation ${operationId} not found`);
    return { status: op.status === 'PENDING' ? 202 : 201, body: toOperationView(p, op) };
  }

  /** Waits (bounded) for the operation to settle: the PSP's answer goes through authorization and Kafka. */
  private async settled(paymentId: string, operationId: string): Promise<void> {
    // Counted in pauses, not read from the clock: the business clock (a test's) need not move.
    for (let waited = 0, pause = 20; waited < this.d.settleWaitMs; waited += pause, pause = Math.min(pause * 2, 250)) {
      const p = await this.d.queries.get(paymentId);
      if (p && operationOf(p, operationId)?.status !== 'PENDING') return;
      await this.d.sleep(pause);
    }
  }
}
