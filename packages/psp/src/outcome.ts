import type { GatewayDeclineReason } from '@ivr/contracts';

/**
 * What a gateway call can end in, gateway-neutral. The distinction that matters most is between
 * `unavailable` (the request certainly did not take effect: safe to retry or give up) and `unknown`
 * (it may have taken effect: reconcile with the same idempotency key, never charge again blindly).
 */
export type GatewayOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'declined'; decline: Decline }
  | { kind: 'rejected'; code: string; message: string; param?: string }
  | { kind: 'unknown'; cause: UnknownCause; message: string }
  | { kind: 'unavailable'; cause: UnavailableCause; message: string };

/** Every outcome but `ok`. */
export type GatewayFailure = Exclude<GatewayOutcome<never>, { kind: 'ok' }>;

/** The request may or may not have been carried out by the gateway. */
export type UnknownCause = 'timeout' | 'connection_reset' | 'malformed_response' | 'server_error' | 'in_progress';

/** The request was certainly not carried out. */
export type UnavailableCause = 'connection_refused' | 'rate_limited' | 'circuit_open';

export interface Decline {
  /** Normalized across gateways (`GatewayDeclineReason` of `@ivr/contracts`). */
  reason: GatewayDeclineReason;
  /** The gateway's error code, e.g. Stripe's `card_declined`. */
  pspCode: string;
  /** The issuer's reason as the gateway reports it, e.g. Stripe's `insufficient_funds`; empty if none. */
  pspDeclineCode: string;
  /** The gateway's message, meant for logs and operators; never contains card data. */
  message: string;
  /** The gateway's reference of the declined attempt, when it kept one (Stripe's PaymentIntent id). */
  pspReference?: string;
}

export const ok = <T>(value: T): GatewayOutcome<T> => ({ kind: 'ok', value });

/** Carries a non-ok outcome over to another result type (the value type is irrelevant then). */
export function notOk<T>(outcome: Exclude<GatewayOutcome<unknown>, { kind: 'ok' }>): GatewayOutcome<T> {
  return outcome;
}
