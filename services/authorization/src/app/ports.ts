// What the use cases need from the outside, as interfaces: the adapters (adapters/pg, adapters/psp)
// implement them and main.ts wires them in. Tests may hand in any implementation.
import type { PspProvider } from '@ivr/contracts';
import type { EventMetadata } from '@ivr/eventstore';
import type {
  AuthorizeRequest,
  CaptureRequest,
  CaptureResult,
  ChargeStoredCardRequest,
  FindAuthorizationQuery,
  FindRefundQuery,
  FoundAuthorization,
  GatewayCapabilities,
  GatewayOutcome as PspOutcome,
  RefundRequest,
  RefundResult,
  RegisterCardRequest,
  VoidRequest,
  VoidResult,
} from '@ivr/psp';
import type { AuthorizationCommand, AuthorizationEvent, AuthorizationState, GatewayOutcome } from '../authorization';

/** The Authorization aggregates and the list of those left pending (adapters/pg/authorization-repository). */
export interface AuthorizationStore {
  load(paymentId: string): Promise<AuthorizationState>;
  /** The state with the version it was read at: what `execute` may decide on without reading again. */
  read(paymentId: string): Promise<KnownAuthorization>;
  /**
   * Decides the command on the current state and records its events, retrying on a concurrent writer.
   * `known`: the state the caller believes current (its own last write), decided on without reading
   * the stream; when another write came between, the append fails its version check and the command
   * is decided again on the stream as stored.
   */
  execute(
    paymentId: string,
    command: AuthorizationCommand,
    metadata?: EventMetadata,
    known?: KnownAuthorization,
  ): Promise<{ state: AuthorizationState; events: AuthorizationEvent[]; version: number }>;
  /** Payment ids pending since before `before`, oldest first. */
  listPending(before: Date, limit: number): Promise<{ paymentId: string; since: Date }[]>;
  /** Captures, voids and refunds sent and not settled since before `before`, oldest first. */
  listPendingOperations(
    before: Date,
    limit: number,
  ): Promise<{ paymentId: string; operationId: string; since: Date }[]>;
}

/** An authorization's state at a version of its stream, as a caller last wrote or read it. */
export interface KnownAuthorization {
  state: AuthorizationState;
  version: number;
}

/**
 * The PSP of one account as the use cases call it (adapters/psp/resilient-gateway): every call with the
 * authorization's one idempotency key; authorize, charge and register answer in the domain's terms.
 */
export interface Gateway {
  readonly provider: PspProvider;
  readonly capabilities: GatewayCapabilities;
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome>;
  chargeStoredCard(request: ChargeStoredCardRequest): Promise<GatewayOutcome>;
  registerCard(request: RegisterCardRequest): Promise<GatewayOutcome>;
  capture(request: CaptureRequest): Promise<PspOutcome<CaptureResult>>;
  void(request: VoidRequest): Promise<PspOutcome<VoidResult>>;
  refund(request: RefundRequest): Promise<PspOutcome<RefundResult>>;
  findAuthorization(query: FindAuthorizationQuery): Promise<PspOutcome<FoundAuthorization | null>>;
  /** The refund made with this key, looked up without acting (gateways whose keys expire: Stripe). */
  readonly findRefund?: ((query: FindRefundQuery) => Promise<PspOutcome<RefundResult | null>>) | undefined;
}

/**
 * The gateway of each PSP account (adapters/psp/gateways: the seam of decision 0009). Throws
 * UnknownPspAccount or PspAccountUnavailable; the gateway's own configuration errors are @ivr/psp's
 * GatewayNotConfigured.
 */
export interface Gateways {
  for(pspAccountId: string): Promise<Gateway>;
}

/** The account id names no account: nothing can be sent for this payment. */
export class UnknownPspAccount extends Error {
  override readonly name = 'UnknownPspAccount';
}

/** The account could not be read now (its owner unreachable): nothing was sent, try again later. */
export class PspAccountUnavailable extends Error {
  override readonly name = 'PspAccountUnavailable';
}
