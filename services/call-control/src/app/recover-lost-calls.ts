// Ends the calls whose call-control instance died with them (see src/recovery). Runs in every
// instance, without a leader: each lost call is ended by one append at the version its stream was
// read at, so when two sweepers (or a not-quite-dead owner) race, one wins and the others back off.
import { Topics } from '@ivr/contracts';
import {
  ConcurrencyError,
  type EventStore,
  foldEvents,
  handleCommand,
  inSequence,
  type RecordedEvent,
} from '@ivr/eventstore';
import type { CallOwnership } from '../adapters/pg/call-ownership';
import { writeOpenCall } from '../adapters/pg/open-calls';
import { CALL_STREAM_TYPE, type CallCommand, type CallEvent, callDecider } from '../call';
import { type AuthorizationOutcome, authorizationRecord } from '../dialogue';
import { CALL_LOST, chooseLostCalls, recoveryPlan } from '../recovery';

/** The authorization service's fence (GrpcAuthorization.abandon). */
export interface PaymentFence {
  abandon(paymentId: string, reason: string, correlationId: string): Promise<AuthorizationOutcome>;
}

export interface RecoveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RecoveryDeps {
  store: EventStore;
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
  const history = (await deps.store.readStream(callId)) as RecordedEvent<CallEvent>[];
  const state = foldEvents(callDecider, history);
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

  try {
    // At the version the plan was made on: a writer that came in between (the owner after all,
    // another sweeper) wins, and this sweep backs off rather than deciding again.
    await handleCommand(deps.store, inSequence(callDecider), callId, commands, {
      streamType: CALL_STREAM_TYPE,
      outbox: { topic: Topics.calls },
      metadata: { correlationId: callId, actor: `call-control/${deps.instanceId}` },
      known: { state, version: history.length },
      retries: 0,
      inTransaction: (tx, change) => writeOpenCall(tx, change.state, change.next),
    });
  } catch (err) {
    if (err instanceof ConcurrencyError) return 'lost-race';
    throw err;
  }
  deps.log.info(
    { call_id: callId, payment_id: state.paymentId, owner: state.ownerInstanceId, fenced: plan.kind !== 'end' },
    'lost call ended',
  );
  return 'ended';
}
