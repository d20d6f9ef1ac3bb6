import type { Actor } from '@ivr/contracts';
import type { EventStoreTransaction, RecordedEvent } from '@ivr/eventstore';
import type { PspAccount, PspCredentials } from '@ivr/psp';
import type { Operator, OperatorEvent, OperatorState, OperatorSummary } from '../operators/operator';
import type { Payment, PaymentCommand, PaymentEvent, PaymentState, PaymentStatus } from '../payment';

/** Injected so that tests control time and randomness. */
export interface Clock {
  now(): Date;
}

export interface Random {
  /** Integer in [0, max). */
  int(max: number): number;
  /** URL-safe random string of about `bytes` bytes of entropy. */
  token(bytes: number): string;
}

/** The authenticated caller of an API request. */
export interface Principal {
  actor: Actor;
  orderSystem: string;
  scopes: ReadonlySet<string>;
}

export const Scopes = {
  paymentsRead: 'payments:read',
  paymentsWrite: 'payments:write',
  /**
   * Refunds: money back out of the merchant's account (decision 0013). Not in payments:write, so that a key
   * that takes payments cannot also give them back; keys issued before it lack it.
   */
  paymentsRefund: 'payments:refund',
  apiKeysManage: 'api_keys:manage',
  webhooksManage: 'webhooks:manage',
  /** The order system's PSP account (provider and credentials): an administrator's scope. */
  pspAccountsManage: 'psp_accounts:manage',
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes];
export const ALL_SCOPES: readonly Scope[] = Object.values(Scopes);

// The stores the use cases work with. The adapters in adapters/pg implement them; wiring.ts and
// main.ts hand them in. A `Transaction` is the database transaction a command runs in: adapters
// that write together with the command's events take it (use cases only pass it along).

export type Transaction = EventStoreTransaction;

export interface ExecuteOptions {
  /** Who caused it, recorded in the events' metadata (the audit trail). */
  actor: string;
  correlationId?: string;
  causationId?: string;
  /** Idempotent consumers: skip when this consumer already handled this event id. */
  dedupe?: { consumer: string; eventId: string };
  /**
   * Runs in the same transaction before deciding, e.g. to reserve a transfer code; may answer the
   * command to decide instead (completed with what it reserved).
   */
  before?: (tx: Transaction, state: PaymentState) => Promise<PaymentCommand | undefined>;
  /**
   * Runs in the same transaction when the command produced events, e.g. to record the idempotent
   * response. Its statements must be sent before it first awaits: they leave with the events' append
   * and the COMMIT behind it, unanswered yet (a failed one fails the command with its own error).
   */
  after?: (tx: Transaction, state: PaymentState) => Promise<void>;
  /**
   * The stream as the caller knows it without reading it, e.g. no stream yet for a new payment. When
   * it is wrong the append conflicts and the command is decided again on the stream as read.
   */
  known?: { state: PaymentState; version: number };
}

export interface ExecuteResult {
  state: PaymentState;
  events: PaymentEvent[];
  /** false when the event was a duplicate for `dedupe`. */
  applied: boolean;
}

/** Runs Payment commands: decide, append, and what the change implies, in one transaction. */
export interface PaymentCommands {
  execute(paymentId: string, command: PaymentCommand, options: ExecuteOptions): Promise<ExecuteResult>;
}

export interface ListFilter {
  orderSystem: string;
  status?: PaymentStatus;
  orderId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Exclusive position of the previous page's last row (newest first). */
  after?: { createdAt: string; paymentId: string };
  limit: number;
}

/** Reads of the payments read model. */
export interface PaymentReads {
  get(paymentId: string): Promise<Payment | null>;
  findByOrderId(orderSystem: string, orderId: string): Promise<Payment | null>;
  /** Newest first. */
  list(filter: ListFilter): Promise<{ payments: Payment[]; more: boolean }>;
  /** Payments whose unused transfer code is past its expiry. */
  dueForExpiry(now: Date, limit: number): Promise<string[]>;
  /** The payment a live transfer code belongs to, or null. */
  resolveTransferCode(code: string): Promise<{ paymentId: string; expiresAt: Date } | null>;
}

/** A card a REGISTER_CARD payment stored at the PSP, as its order system may charge it later. */
export interface StoredCardRecord {
  registrationPaymentId: string;
  storedCardReference: string;
  /** '' for registrations approved before it was kept. */
  customerReference: string;
}

/** The cards each order system stored (written with the registration's approval). */
export interface StoredCards {
  /** Null when this order system stored no such card (another's is none of its business). */
  find(orderSystem: string, storedCardReference: string): Promise<StoredCardRecord | null>;
}

/** Transfer codes held by live payments. */
export interface TransferCodes {
  /** In the payment's creation transaction: false when a live payment holds the code. */
  reserve(tx: Transaction, code: string, paymentId: string, now: Date, expiresAt: Date): Promise<boolean>;
}

export interface StoredResponse {
  methodPath: string;
  requestSha256: string;
  status: number;
  response: unknown;
}

/** The first answer to each (order system, Idempotency-Key), replayed for the same request. */
export interface IdempotencyKeys {
  find(orderSystem: string, key: string): Promise<StoredResponse | null>;
  /** In the transaction that made the answer, so that an answer is never recorded without its effect. */
  record(tx: Transaction, orderSystem: string, key: string, stored: StoredResponse): Promise<void>;
}

/** Who looked at which payment, and how (an internal trail, not published). */
export interface AuditTrail {
  paymentViewed(paymentId: string, by: Actor, via: string, at: Date): Promise<void>;
}

export interface ApiKeyRecord {
  keyId: string;
  orderSystem: string;
  name: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

/** Order systems' API keys (only the secret's hash is stored). */
export interface ApiKeyStore {
  insert(record: Omit<ApiKeyRecord, 'revokedAt' | 'createdAt'> & { createdAt: Date }, secret: string): Promise<void>;
  list(orderSystem: string): Promise<ApiKeyRecord[]>;
  /** Every order system's keys, newest first. */
  listAll(): Promise<ApiKeyRecord[]>;
  /** Null when this order system has no such key. Revoking twice is fine. */
  revoke(orderSystem: string, keyId: string, at: Date): Promise<ApiKeyRecord | null>;
}

/** The Operator aggregates and their read model. */
export interface Operators {
  /** Decides with `decide` on the operator's state and records its events (and the read model). */
  execute(
    operatorId: string,
    decide: (state: OperatorState) => OperatorEvent[],
    actor: string,
  ): Promise<{ state: OperatorState; events: OperatorEvent[] }>;
  byUsername(username: string): Promise<Operator | null>;
  byId(operatorId: string): Promise<Operator | null>;
  list(): Promise<OperatorSummary[]>;
  countAdmins(): Promise<number>;
  history(operatorId: string): Promise<RecordedEvent[]>;
}

export interface SessionRecord {
  operatorId: string;
  csrfToken: string;
  expiresAt: Date;
  /**
   * Set while the session only enrols an authenticator app (the password was right, the role needs a
   * second factor, none enrolled yet): the new secret, sealed. Such a session opens nothing else.
   */
  pendingTotp: { keyId: string; ciphertext: string } | null;
}

/** Browser sessions of operators. */
export interface Sessions {
  create(
    secret: string,
    operatorId: string,
    csrfToken: string,
    now: Date,
    ttlMs: number,
    pendingTotp?: { keyId: string; ciphertext: string },
  ): Promise<void>;
  /** The live session of this cookie value, touched; null when unknown, expired or idle too long. */
  find(secret: string, now: Date, idleMs: number): Promise<SessionRecord | null>;
  delete(secret: string): Promise<void>;
  deleteForOperator(operatorId: string): Promise<void>;
  deleteExpired(now: Date): Promise<void>;
}

/** notification's answer, passed on to the caller as it came (2xx). */
export interface ForwardedAnswer {
  status: number;
  body: unknown;
}

/** Webhook endpoints and deliveries, which notification owns (its internal API). */
export interface WebhookEndpoints {
  create(orderSystem: string, body: { url: string; description?: string }): Promise<ForwardedAnswer>;
  list(orderSystem: string): Promise<ForwardedAnswer>;
  disable(orderSystem: string, endpointId: string): Promise<ForwardedAnswer>;
  deliveries(orderSystem: string, endpointId: string, limit: number): Promise<ForwardedAnswer>;
  redeliver(orderSystem: string, deliveryId: string): Promise<ForwardedAnswer>;
}

/** A PSP account as it may be shown: never its credentials (docs/decisions/0010-psp-per-merchant.md). */
export interface PspAccountRecord {
  accountId: string;
  orderSystem: string;
  provider: PspCredentials['provider'];
  /** GMO-PG only: the shop and the site (identifiers, not secrets). */
  shopId?: string;
  siteId?: string;
  createdAt: string;
  updatedAt: string;
  /** The account the order system's new payments use. */
  active: boolean;
}

/** Where PSP accounts live (adapters/pg/psp-accounts), credentials sealed at rest. */
export interface PspAccountStore {
  /** Whether accounts can be kept here at all (a keyring to seal them is configured). */
  readonly configured: boolean;
  active(orderSystem: string): Promise<PspAccountRecord | null>;
  bind(orderSystem: string, credentials: PspCredentials, now: Date): Promise<PspAccountRecord>;
  unbind(orderSystem: string, now: Date): Promise<PspAccountRecord | null>;
  /** With its credentials opened: for the services that call the PSP only. */
  withCredentials(accountId: string): Promise<PspAccount | null>;
}
