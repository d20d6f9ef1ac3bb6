// Crash recovery, the pure part. Every call is owned by the call-control instance that answered it;
// each instance refreshes a heartbeat. A call whose owner has gone silent for longer than the stale
// threshold was lost with its process (kill -9, lost node): nobody else will ever end it, so any
// instance may. Which instance does it is decided by optimistic concurrency on the call's stream.
import type { CallState } from '../call';

/** Owner recorded for calls answered before calls had owners (rebuilt or migrated): never alive. */
export const UNKNOWN_OWNER = 'unknown';

/** Reason given to the authorization service when a lost call's payment is fenced. */
export const CALL_LOST = 'CALL_LOST';

/** One row of the open-calls projection: a call with no CallEnded yet. */
export interface OpenCall {
  callId: string;
  instanceId: string;
  paymentId: string | null;
  cardCaptured: boolean;
  authorizationRecorded: boolean;
}

/**
 * An open call with its owner's heartbeat: how long it has been silent (database clock) and the lease
 * it declared (its CALL_OWNER_STALE_MS). null: the owner has no heartbeat row (stopped cleanly, or
 * never had one).
 */
export interface OwnedCall extends OpenCall {
  owner: { silentMs: number; staleAfterMs: number } | null;
}

/** The projection's row for a call's state: the rule the recorder and the rebuild share. */
export function openCallOf(state: CallState): OpenCall | null {
  if (state.status !== 'answered' || !state.callId) return null;
  return {
    callId: state.callId,
    instanceId: state.ownerInstanceId ?? UNKNOWN_OWNER,
    paymentId: state.paymentId ?? null,
    cardCaptured: state.cardCaptured,
    authorizationRecorded: state.authorized,
  };
}

/** Whether two projection rows say the same (the recorder skips the write when nothing changed). */
export function sameOpenCall(a: OpenCall | null, b: OpenCall | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.callId === b.callId &&
    a.instanceId === b.instanceId &&
    a.paymentId === b.paymentId &&
    a.cardCaptured === b.cardCaptured &&
    a.authorizationRecorded === b.authorizationRecorded
  );
}

/**
 * The open calls whose owner is gone: silent for longer than the lease it declared, or without any
 * heartbeat. The owner's lease, not the sweeper's setting, decides: instances configured differently
 * may share the database. An instance never judges its own calls (it is running, whatever its
 * heartbeat says).
 */
export function chooseLostCalls(calls: readonly OwnedCall[], selfInstanceId: string): OwnedCall[] {
  return calls.filter(
    (c) => c.instanceId !== selfInstanceId && (c.owner === null || c.owner.silentMs > c.owner.staleAfterMs),
  );
}

/**
 * What ending a lost call takes, decided on the call's stream (not the projection, which may lag):
 * - already ended: nothing (the owner or another instance got there first);
 * - card captured, no authorization outcome recorded: Authorize may or may not have been sent, so
 *   the payment id is fenced at the authorization service before the call ends;
 * - otherwise: end it (order-link abandons a payment whose card was never captured).
 * Authorize is only ever sent after CardCaptured is stored (the dialogue flushes first), so a call
 * without CardCaptured has no authorization to fence.
 */
export type RecoveryPlan = { kind: 'already-ended' } | { kind: 'end' } | { kind: 'fence-then-end'; paymentId: string };

export function recoveryPlan(state: CallState): RecoveryPlan {
  if (state.status !== 'answered') return { kind: 'already-ended' };
  if (state.cardCaptured && !state.authorized && state.paymentId)
    return { kind: 'fence-then-end', paymentId: state.paymentId };
  return { kind: 'end' };
}
