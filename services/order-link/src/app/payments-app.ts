import { createHash } from 'node:crypto';
import type { Actor, CallMode, Language, PaymentMode } from '@ivr/contracts';
import {
  generateTransferCode,
  type Payment,
  type PaymentCommand,
  PaymentRejected,
  type PaymentStatus,
  type RequestPayment,
} from '../payment';
import { AppError } from './errors';
import { type PaymentView, toPaymentView } from './payment-view';
import {
  type AuditTrail,
  type Clock,
  type IdempotencyKeys,
  type PaymentCommands,
  type PaymentReads,
  type Principal,
  type Random,
  type Scope,
  Scopes,
  type StoredCards,
  type TransferCodes,
} from './ports';

export interface CreatePaymentInput {
  orderId: string;
  amount: number;
  currency: string;
  description?: string;
  mode: PaymentMode;
  /** Required for a payment by phone; a stored-card charge has no call (default `ja`, for its events). */
  language?: Language;
  /** Required for a payment by phone. */
  returnSipAddress?: string;
  /** IVR_ONLY when absent. */
  callMode?: CallMode;
  metadata?: Record<string, string>;
  /**
   * Charge a card this order system stored with an earlier REGISTER_CARD payment, without a call
   * (merchant-initiated): its `storedCardReference` (and, to check, `customerReference`) as that payment's
   * outcome gave them.
   */
  storedCard?: { storedCardReference: string; customerReference?: string };
}

export interface ListInput {
  limit: number;
  cursor?: string;
  status?: PaymentStatus;
  orderId?: string;
  createdFrom?: string;
  createdTo?: string;
}

export interface Answer<T> {
  status: number;
  body: T;
  /** true when the answer is a replay of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface PaymentsAppDeps {
  payments: PaymentCommands;
  queries: PaymentReads;
  transferCodes: TransferCodes;
  idempotency: IdempotencyKeys;
  audit: AuditTrail;
  clock: Clock;
  random: Random;
  transferCodeTtlMs: number;
  transferCodeLength: number;
  /** The PSP account an order system's new payment records (PspAccountsApp.accountFor). */
  pspAccountOf: (orderSystem: string) => Promise<string>;
  storedCards: StoredCards;
  /** How long a stored-card charge waits for the PSP's answer before it is answered still REQUESTED. */
  settleWaitMs: number;
  sleep: (ms: number) => Promise<unknown>;
}

const actorLabel = (a: Actor): string => `${a.kind}:${a.id}`;
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Stable JSON (sorted keys), so that the same request hashes the same whatever its key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The payment operations of the REST and gRPC APIs, with authorization, idempotency and audit. */
export class PaymentsApp {
  constructor(private readonly d: PaymentsAppDeps) {}

  async create(who: Principal, idempotencyKey: string, input: CreatePaymentInput): Promise<Answer<PaymentView>> {
    requireScope(who, Scopes.paymentsWrite);
    const requestHash = sha256(canonical(input));
    const methodPath = 'POST /v1/payments';
    // The id follows from the key: two concurrent requests with one key race for one stream.
    const paymentId = `pay_${sha256(`${who.orderSystem}\u0000${idempotencyKey}`).slice(0, 26)}`;
    // The merchant account the payment is paid with, from now to its last refund (decision 0010).
    const storedCard = input.storedCard ? await this.storedCard(who, input.storedCard) : undefined;
    // A stored card is charged at the account that stored it (authorization reads it from the registration).
    const pspAccountId = storedCard
      ? ((await this.d.queries.get(storedCard.registrationPaymentId))?.request.pspAccountId ??
        (await this.d.pspAccountOf(who.orderSystem)))
      : await this.d.pspAccountOf(who.orderSystem);
    if (!storedCard) requirePhoneFields(input);
    for (let attempt = 0; attempt < 3; attempt++) {
      // A new key is the common case: the first try goes straight to the command. A key used before
      // fails it (the payment exists, or the idempotency row does), and the next try answers from
      // the row, as a replay or a mismatch; the scope was checked above either way.
      const earlier = attempt > 0 ? await this.d.idempotency.find(who.orderSystem, idempotencyKey) : null;
      if (earlier) {
        const answer = replay(earlier, methodPath, requestHash);
        // A stored-card charge settles after its first answer: a repeat says where it stands now.
        if (!storedCard) return answer;
        const now = await this.d.queries.get(paymentId);
        return now ? { ...answer, body: toPaymentView(now) } : answer;
      }
      const now = this.d.clock.now();
      const at = now.toISOString();
      const expiresAt = new Date(now.getTime() + this.d.transferCodeTtlMs);
      const command: RequestPayment = {
        type: 'RequestPayment',
        paymentId,
        orderId: input.orderId,
        orderSystem: who.orderSystem,
        pspAccountId,
        amount: input.amount,
        currency: input.currency,
        description: input.description ?? '',
        mode: input.mode,
        language: input.language ?? 'ja',
        returnSipAddress: input.returnSipAddress ?? '',
        callMode: input.callMode ?? 'IVR_ONLY',
        metadata: input.metadata ?? {},
        transferCode: '',
        transferCodeTtlMs: this.d.transferCodeTtlMs,
        requestedBy: who.actor,
        ...(storedCard ? { storedCard } : {}),
        at,
      };
      try {
        const { state } = await this.d.payments.execute(paymentId, command, {
          actor: actorLabel(who.actor),
          correlationId: paymentId,
          // A new key names a new payment: no stream to read (one that exists makes the append conflict).
          known: { state: null, version: 0 },
          before: async (tx, current) => {
            if (current !== null) return undefined; // decide() refuses; the idempotency row answers on retry
            if (storedCard) return undefined; // no call, no transfer code
            for (let i = 0; i < 20; i++) {
              const code = generateTransferCode((max) => this.d.random.int(max), this.d.transferCodeLength);
              if (await this.d.transferCodes.reserve(tx, code, paymentId, now, expiresAt))
                return { ...command, transferCode: code };
            }
            throw new AppError('unavailable', 'no free transfer code; try again');
          },
          after: async (tx, next) => {
            const view = toPaymentView(next as Payment);
            await this.d.idempotency.record(tx, who.orderSystem, idempotencyKey, {
              methodPath,
              requestSha256: requestHash,
              status: 201,
              response: view,
            });
          },
        });
        if (storedCard)
          return { status: 201, body: toPaymentView(await this.charged(state as Payment)), replayed: false };
        return { status: 201, body: toPaymentView(state as Payment), replayed: false };
      } catch (err) {
        // Another request with this key won the race: answer from its idempotency row.
        if (err instanceof PaymentRejected && err.code === 'ALREADY_EXISTS') continue;
        if ((err as { code?: string }).code === '23505') continue;
        throw toAppError(err);
      }
    }
    throw new AppError('conflict', 'a request with this Idempotency-Key is in progress; retry');
  }

  /** The stored card of this order system named by the request, or a problem naming the field. */
  private async storedCard(
    who: Principal,
    wanted: NonNullable<CreatePaymentInput['storedCard']>,
  ): Promise<NonNullable<RequestPayment['storedCard']>> {
    const found = await this.d.storedCards.find(who.orderSystem, wanted.storedCardReference);
    if (!found) {
      throw new AppError(
        'invalid',
        'no card stored by a REGISTER_CARD payment of this order system has this reference',
        [{ in: 'body', field: 'storedCard.storedCardReference', message: 'unknown stored card' }],
      );
    }
    if (wanted.customerReference && found.customerReference && wanted.customerReference !== found.customerReference) {
      throw new AppError('invalid', 'the stored card belongs to another customer reference', [
        { in: 'body', field: 'storedCard.customerReference', message: 'does not match the stored card' },
      ]);
    }
    return {
      registrationPaymentId: found.registrationPaymentId,
      storedCardReference: found.storedCardReference,
      customerReference: found.customerReference,
    };
  }

  /** A stored-card charge as it stands once the PSP answered, or after `settleWaitMs` (still REQUESTED). */
  private async charged(p: Payment): Promise<Payment> {
    let current = p;
    // Counted in pauses, not read from the clock: the business clock (a test's) need not move.
    for (
      let waited = 0, pause = 20;
      current.status === 'REQUESTED' && waited < this.d.settleWaitMs;
      waited += pause, pause = Math.min(pause * 2, 250)
    ) {
      await this.d.sleep(pause);
      current = (await this.d.queries.get(p.request.paymentId)) ?? current;
    }
    return current;
  }

  async get(who: Principal, paymentId: string, via: string): Promise<PaymentView> {
    requireScope(who, Scopes.paymentsRead);
    const p = await this.d.queries.get(paymentId);
    if (!p || p.request.orderSystem !== who.orderSystem)
      throw new AppError('not_found', `payment ${paymentId} not found`);
    await this.audit(who, [p.request.paymentId], via);
    return toPaymentView(p);
  }

  async findByOrderId(who: Principal, orderId: string, via: string): Promise<PaymentView> {
    requireScope(who, Scopes.paymentsRead);
    const p = await this.d.queries.findByOrderId(who.orderSystem, orderId);
    if (!p) throw new AppError('not_found', `no payment for order ${orderId}`);
    await this.audit(who, [p.request.paymentId], via);
    return toPaymentView(p);
  }

  async list(
    who: Principal,
    input: ListInput,
    via: string,
  ): Promise<{ data: PaymentView[]; nextCursor: string | null }> {
    requireScope(who, Scopes.paymentsRead);
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const { payments, more } = await this.d.queries.list({
      orderSystem: who.orderSystem,
      limit: input.limit,
      ...(input.status ? { status: input.status } : {}),
      ...(input.orderId ? { orderId: input.orderId } : {}),
      ...(input.createdFrom ? { createdFrom: new Date(input.createdFrom) } : {}),
      ...(input.createdTo ? { createdTo: new Date(input.createdTo) } : {}),
      ...(after ? { after } : {}),
    });
    await this.audit(
      who,
      payments.map((p) => p.request.paymentId),
      via,
    );
    const last = payments[payments.length - 1];
    return {
      data: payments.map(toPaymentView),
      nextCursor: more && last ? encodeCursor(last.request.requestedAt, last.request.paymentId) : null,
    };
  }

  /**
   * Cancels a payment still waiting for its caller. One in the IVR of an agent-assisted call (the operator
   * is on it) is asked of the IVR instead: it stays IN_IVR until the IVR has stopped and told the caller,
   * then becomes CANCELLED; once the card is captured it is too late.
   */
  cancel(who: Principal, paymentId: string, reason: string | undefined): Promise<PaymentView> {
    const at = this.d.clock.now().toISOString();
    return this.act(who, paymentId, { type: 'CancelPayment', by: who.actor, ...(reason ? { reason } : {}), at });
  }

  /** Agent-assisted, in the IVR: the caller keys the current card field again (the operator asked). */
  restartField(who: Principal, paymentId: string): Promise<PaymentView> {
    return this.act(who, paymentId, { type: 'RestartField', by: who.actor, at: this.d.clock.now().toISOString() });
  }

  private async act(who: Principal, paymentId: string, command: PaymentCommand): Promise<PaymentView> {
    requireScope(who, Scopes.paymentsWrite);
    const p = await this.d.queries.get(paymentId);
    if (!p || p.request.orderSystem !== who.orderSystem)
      throw new AppError('not_found', `payment ${paymentId} not found`);
    try {
      const { state } = await this.d.payments.execute(paymentId, command, {
        actor: actorLabel(who.actor),
        correlationId: paymentId,
      });
      return toPaymentView(state as Payment);
    } catch (err) {
      throw toAppError(err);
    }
  }

  /**
   * For call-control: the payment a transferred call belongs to. Only a payment still waiting for
   * its caller, with an unexpired code, resolves.
   */
  async resolveTransferCode(code: string): Promise<PaymentView> {
    const held = await this.d.queries.resolveTransferCode(code);
    if (!held) throw new AppError('not_found', 'unknown transfer code');
    if (held.expiresAt.getTime() <= this.d.clock.now().getTime())
      throw new AppError('invalid_state', 'the transfer code has expired');
    const p = await this.d.queries.get(held.paymentId);
    if (p?.status !== 'REQUESTED') throw new AppError('invalid_state', 'the payment is no longer waiting for a caller');
    return toPaymentView(p);
  }

  /** Reads are audited (a per-payment trail, not published). */
  private async audit(who: Principal, paymentIds: string[], via: string): Promise<void> {
    const at = this.d.clock.now();
    for (const paymentId of paymentIds) await this.d.audit.paymentViewed(paymentId, who.actor, via, at);
  }
}

/** A payment by phone needs the caller's language and where to hand the caller back. */
function requirePhoneFields(input: CreatePaymentInput): void {
  for (const field of ['language', 'returnSipAddress'] as const) {
    if (!input[field]) {
      throw new AppError('invalid', `${field} is required for a payment by phone`, [
        { in: 'body', field, message: 'is required (unless storedCard is given)' },
      ]);
    }
  }
}

export function requireScope(who: Principal, scope: Scope): void {
  if (!who.scopes.has(scope)) throw new AppError('forbidden', `this API key lacks the scope ${scope}`);
}

function replay(
  earlier: { methodPath: string; requestSha256: string; status: number; response: unknown },
  methodPath: string,
  requestHash: string,
): Answer<PaymentView> {
  if (earlier.methodPath !== methodPath || earlier.requestSha256 !== requestHash) {
    throw new AppError(
      'idempotency_mismatch',
      'this Idempotency-Key was already used with a different request; use a new key for a new request',
      [{ in: 'header', field: 'Idempotency-Key', message: 'reused with a different request body' }],
    );
  }
  return { status: earlier.status, body: earlier.response as PaymentView, replayed: true };
}

export function encodeCursor(createdAt: string, paymentId: string): string {
  return Buffer.from(JSON.stringify([createdAt, paymentId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; paymentId: string } {
  try {
    const [createdAt, paymentId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof paymentId === 'string' && !Number.isNaN(Date.parse(createdAt))) {
      return { createdAt, paymentId };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid', 'cursor is not one this API returned', [
    { in: 'query', field: 'cursor', message: 'unknown cursor' },
  ]);
}

export function toAppError(err: unknown): unknown {
  if (!(err instanceof PaymentRejected)) return err;
  const kind = {
    NOT_FOUND: 'not_found',
    ALREADY_EXISTS: 'conflict',
    INVALID_STATE: 'invalid_state',
    INVALID_ARGUMENT: 'invalid',
  } as const;
  return new AppError(
    kind[err.code],
    err.message,
    err.field ? [{ in: 'body', field: err.field, message: err.message }] : [],
  );
}
