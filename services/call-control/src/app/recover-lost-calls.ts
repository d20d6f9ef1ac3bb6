// Ends the calls whose call-control instance died with them (see src/recovery). Runs in every
// instance, without a leader: each lost call is ended by one append at the version its stream was
// read at, so when two sweepers (or a not-quite-dead owner) race, one wins and the others back off.
import type { CallCommand } from '../call';
import { type AuthorizationOutcome, authorizationRecord } from '../dialogue';
import { CALL_LOST, chooseLostCalls, recoveryPlan } from '../recovery';
import type { CallOwnership, CallStreams } from './ports';

/** The authorization service's fence (GrpcAuthorization.abandon). */
export interface PaymentFence {
  abandon(paymentId: string, reason: string, correlationId: string): Promise<AuthorizationOutcome>;
}

export interface RecoveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RecoveryDeps {
  calls: CallStreams;
  ownership: CallOwnership;
  fence: PaymentFence;
  instanceId: string;
  log: RecoveryLogger;
}

export type LostCallResult = 'ended' | 'already-ended' | 'lost-race' | 'fence-unavailable';

/** One sweep: finds the lost calls and ends each; returns what happened to each call id. */
export async function recoverLostCalls(deps: RecoveryDeps): Promise<Map<string, LostCallResult>> {
  const candidates = await deps.ownership.openCallsOfOthers(deps.instanceId);
  const lost = chooseLostCalls(candidates, deps.instanceId);
  const results = new Map<string, LostCallResult>();
  for (const call of lost) {
    const result = await endLostCall(deps, call.callId).catch((err: Error) => {
      deps.log.warn({ call_id: call.callId, err: err.message }, 'lost call could not be ended; next sweep retries');
      return undefined;
    });
    if (result) results.set(call.callId, result);
  }
  await deps.ownership.forgetDeadInstances();
  return results;
}

/** Ends one lost call: fences its payment first when a card was captured without a recorded outcome. */
export async function endLostCall(deps: RecoveryDeps, callId: string): Promise<LostCallResult> {
  const read = await deps.calls.load(callId);
  const { state } = read;
  const plan = recoveryPlan(state);
  if (plan.kind === 'already-ended') {
    await deps.ownership.forgetCall(callId);
    return 'already-ended';
  }

  const commands: CallCommand[] = [];
  if (plan.kind === 'fence-then-end') {
    let outcome: AuthorizationOutcome;
    try {
      outcome = await deps.fence.abandon(plan.paymentId, CALL_LOST, callId);
    } catch (err) {
      // Without the fence a late Authorize could still charge: the call stays open until it works.
      deps.log.warn({ call_id: callId, payment_id: plan.paymentId, err: (err as Error).message }, 'fence failed');
      return 'fence-unavailable';
    }
    commands.push({ type: 'RecordAuthorization', ...authorizationRecord(outcome) });
  }
  commands.push({ type: 'EndCall', reason: CALL_LOST });

  // At the version the plan was made on: a writer that came in between (the owner after all, another
  // sweeper) wins, and this sweep backs off.
  if (!(await deps.calls.appendAt(callId, read, commands, `call-control/${deps.instanceId}`))) return 'lost-race';
  deps.log.info(
    { call_id: callId, payment_id: state.paymentId, owner: state.ownerInstanceId, fenced: plan.kind !== 'end' },
    'lost call ended',
  );
  return 'ended';
}
