// What the dialogue needs from the outside world, in its own terms. The gRPC adapters
// (src/adapters/grpc) implement these against the vault, authorization and order-link; unit tests
// use fakes. Every call takes the call's AbortSignal: a caller who hangs up cancels what is running.
import type { CallMode, Language, MaskedCard, PaymentMode, PromptId, RegistrationDecline } from '@ivr/contracts';

/** The payment a transfer code stands for. Amount in minor units of currency. */
export interface PaymentToCollect {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  mode: PaymentMode;
  language: Language;
  /** Where the caller goes back (IVR_ONLY), or whom the IVR calls to bridge in (AGENT_ASSISTED). */
  returnSipAddress: string;
  callMode: CallMode;
  /**
   * The PSP account (merchant) the payment is paid with (`default` or order-link's pa_... id): handed to
   * the vault and authorization, which read its credentials themselves; call-control never sees them.
   */
  pspAccountId: string;
}

export type Resolution = { kind: 'found'; payment: PaymentToCollect } | { kind: 'not-found' } | { kind: 'expired' };

export interface PaymentsPort {
  /** Throws ServiceUnavailable when order-link cannot answer. */
  resolveTransferCode(code: string, signal: AbortSignal): Promise<Resolution>;
}

export type FieldKind = 'card_number' | 'expiry' | 'security_code' | 'digits';

export interface FieldRequest {
  kind: FieldKind;
  language: Language;
  promptIds: PromptId[];
  retryPromptIds: PromptId[];
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
  maxAttempts: number;
  /** digits only */
  minLength?: number;
  maxLength?: number;
  terminator?: '#' | 'none';
}

/** Masked progress of one field, as the vault reports it: never a digit of a card field. */
export type CaptureUpdate =
  | { type: 'progress'; digitsEntered: number; brand?: string }
  | { type: 'restarted'; attemptsLeft: number }
  | { type: 'invalid'; reason: string; attemptsLeft: number }
  | { type: 'timed_out'; phase: 'first_digit' | 'inter_digit'; attemptsLeft: number };

export type CaptureResult =
  | { kind: 'completed'; digitsEntered: number; brand?: string; plainDigits?: string }
  | { kind: 'failed'; reason: 'attempts_exhausted' };

export type Registration =
  | { kind: 'registered'; card: MaskedCard }
  | {
      kind: 'failed';
      failure: 'declined' | 'invalid-card' | 'psp-unavailable' | 'psp-timeout' | 'card-wiped';
      /** declined: the card company's refusal at registration (GMO-PG's SaveCard), with the PSP's codes. */
      decline?: RegistrationDecline;
    };

export interface PlayRequest {
  promptIds: PromptId[];
  /** Read back before promptIds. */
  amount?: { minorUnits: number; currency: string };
  language: Language;
  bargeIn: boolean;
  /**
   * Played only if nothing plays at the vault when it gets there (a filler such as "please wait", which
   * must not cut a prompt sent after it that reached the vault first).
   */
  ifIdle?: boolean;
}

/**
 * The vault's media session of this call. A session that is gone (vault restarted, expired)
 * makes every method throw MediaSessionLost.
 */
export interface VaultPort {
  play(sessionId: string, request: PlayRequest, signal: AbortSignal): Promise<void>;
  capture(
    sessionId: string,
    request: FieldRequest,
    onUpdate: (update: CaptureUpdate) => void,
    signal: AbortSignal,
  ): Promise<CaptureResult>;
  registerCard(
    sessionId: string,
    idempotencyKey: string,
    pspAccountId: string,
    signal: AbortSignal,
  ): Promise<Registration>;
  /** Idempotent; never throws (the vault wipes the session when it expires anyway). */
  closeSession(sessionId: string, reason: 'hangup' | 'completed'): Promise<void>;
}

export type AuthorizationOutcome =
  | { status: 'APPROVED' | 'CAPTURED' | 'REGISTERED'; pspReference?: string }
  | { status: 'DECLINED'; declineReason: string; pspReference?: string }
  | { status: 'FAILED'; failureCode: string; retryable: boolean }
  | { status: 'PENDING' };

export interface AuthorizeRequest {
  /** Also the idempotency key. */
  paymentId: string;
  card: MaskedCard;
  amount: number;
  currency: string;
  mode: PaymentMode;
  orderReference: string;
  correlationId: string;
  /** The payment's PSP account (PaymentToCollect.pspAccountId). */
  pspAccountId: string;
}

export interface AuthorizationPort {
  /** Throws ServiceUnavailable when the authorization service cannot be reached. */
  authorize(request: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizationOutcome>;
  getAuthorization(paymentId: string, signal: AbortSignal): Promise<AuthorizationOutcome>;
}

export type TransferResult =
  | { outcome: 'succeeded'; status: number }
  /** `refused`: the PBX refused the REFER itself (or never answered it): it does not transfer. */
  | { outcome: 'failed'; reason: string; status?: number; refused?: true };

/** The caller's SIP leg. */
export interface CallerLeg {
  refer(target: string): Promise<TransferResult>;
  hangup(): Promise<void>;
}

/** What the caller is told about the operator's leg of an agent-assisted call. */
export type OperatorNotice = 'could-not-join' | 'left';

/**
 * The operator's leg of the call, bridged with the caller's by the vault: placed at once in agent-assisted
 * mode, or as the call-back when the PBX refuses the hand-back by REFER. Never throws.
 */
export interface OperatorLine {
  /** The operator is on the call now. */
  readonly bridged: boolean;
  /** Agent-assisted: calls the operator at `target` at once; the dialogue goes on meanwhile. */
  assist(target: string): void;
  /**
   * Once, what the caller of an agent-assisted call should hear about the operator before the next step:
   * the operator could not join (not answered, busy, refused, no vault leg), or left the call (hung up, or
   * the leg fell silent) before the hand-back. Undefined when there is nothing to tell.
   */
  takeNotice(): OperatorNotice | undefined;
  /** Calls the operator at `target` and bridges the answer with the caller: true once bridged. */
  callBack(target: string, signal: AbortSignal): Promise<boolean>;
  /**
   * Caller and operator talk on until one of them hangs up (`callerGone` aborts, or the operator's BYE)
   * or the vault loses the media; the operator's leg is ended by then, the caller's is the dialogue's.
   */
  talkOn(callerGone: AbortSignal): Promise<'caller-hung-up' | 'operator-hung-up' | 'media-lost'>;
  /** Ends the operator's leg if it is up or still ringing (the caller's call is ending). */
  end(reason: 'CALLER_LEG_ENDED' | 'MEDIA_LOST'): Promise<void>;
}

/** What the operator of an agent-assisted call asked from the console (a payment event on ivr.payments.v1). */
export interface OperatorRequest {
  kind: 'restart-field' | 'cancel';
  /** The payment event that asked: recorded with the answer, and each is handled once. */
  eventId: string;
}

/** Delivers the operator's requests for one payment to the dialogue running its call. */
export interface OperatorRequests {
  /** Until the returned function is called. */
  subscribe(paymentId: string, onRequest: (request: OperatorRequest) => void): () => void;
}

export interface Clock {
  now(): number;
  /** Resolves after ms; rejects with CallerHungUp when the signal aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
