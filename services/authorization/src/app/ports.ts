// What the use cases need from the outside, as interfaces: the adapters (adapters/pg, adapters/psp)
// implement them and main.ts wires them in. Tests may hand in any implementation.
import type { EventMetadata } from '@ivr/eventstore';
import type {
  AuthorizeRequest,
  CaptureRequest,
  CaptureResult,
  FoundAuthorization,
  GatewayOutcome as PspOutcome,
  RegisterCardRequest,
  VoidRequest,
  VoidResult,
} from '@ivr/psp';
import type { AuthorizationCommand, AuthorizationEvent, AuthorizationState, GatewayOutcome } from '../authorization';

/** The Authorization aggregates and the list of those left pending (adapters/pg/authorization-repository). */
export interface AuthorizationStore {
  load(paymentId: string): Promise<AuthorizationState>;
  /** Decides the command on the current state and records its events, retrying on a concurrent writer. */
  execute(
    paymentId: string,
    command: AuthorizationCommand,
    metadata?: EventMetadata,
  ): Promise<{ state: AuthorizationState; events: AuthorizationEvent[] }>;
  /** Payment ids pending since before `before`, oldest first. */
  listPending(before: Date, limit: number): Promise<{ paymentId: string; since: Date }[]>;
}

/**
 * The PSP as the use cases call it (adapters/psp/resilient-gateway): every call with the
 * authorization's one idempotency key; authorize and register answer in the domain's terms.
 */
export interface Gateway {
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome>;
  registerCard(request: RegisterCardRequest): Promise<GatewayOutcome>;
  capture(request: CaptureRequest): Promise<PspOutcome<CaptureResult>>;
  void(request: VoidRequest): Promise<PspOutcome<VoidResult>>;
  findAuthorization(idempotencyKey: string): Promise<PspOutcome<FoundAuthorization | null>>;
}
