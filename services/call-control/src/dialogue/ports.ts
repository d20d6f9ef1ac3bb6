// What the dialogue needs from the outside world, in its own terms. The gRPC adapters
// (src/adapters/grpc) implement these against the vault, authorization and order-link; unit tests
// use fakes. Every call takes the call's AbortSignal: a caller who hangs up cancels what is running.
import type { CallMode, Language, MaskedCard, PaymentMode, PromptId } from '@ivr/contracts';

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
  | { kind: 'failed'; failure: 'declined' | 'invalid-card' | 'psp-unavailable' | 'psp-timeout' | 'card-wiped' };

export interface PlayRequest {
  promptIds: PromptId[];
  /** Read back before promptIds. */
  amount?: { minorUnits: number; currency: string };
  language: Language;
  bargeIn: boolean;
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
  registerCard(sessionId: string, idempotencyKey: string, signal: AbortSignal): Promise<Registration>;
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
}

export interface AuthorizationPort {
  /** Throws ServiceUnavailable when the authorization service cannot be reached. */
  authorize(request: AuthorizeRequest, signal: AbortSignal): Promise<AuthorizationOutcome>;
  getAuthorization(paymentId: string, signal: AbortSignal): Promise<AuthorizationOutcome>;
}

export type TransferResult =
  | { outcome: 'succeeded'; status: number }
  | { outcome: 'failed'; reason: string; status?: number };

/** The caller's SIP leg. */
export interface CallerLeg {
  refer(target: string): Promise<TransferResult>;
  hangup(): Promise<void>;
}

export interface Clock {
  now(): number;
  /** Resolves after ms; rejects with CallerHungUp when the signal aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
