// The per-call state machine: runs steps from the table until DONE. Whatever goes wrong inside a
// step ends up as a conclusion the caller hears (if the media still works) before being handed
// back; a caller who hangs up ends it at once as abandoned. Either way the vault session is closed
// (the vault wipes anything it still held) and CallEnded is recorded exactly once. An agent-assisted
// call whose operator could not join is told so between steps; the operator's leg ends before the
// caller's call is recorded as ended.
import { type CallEndReason, type DialogueStep, isDialogueStep } from '@ivr/contracts';
import { type Conclusion, endReason } from './conclusion';
import {
  conclude,
  type DialogueCall,
  type DialogueDeps,
  type DialogueState,
  language,
  type StepContext,
  type StepName,
} from './context';
import { CallerHungUp, MediaSessionLost, ServiceUnavailable } from './errors';
import { handleOperatorRequest } from './operator-requests';
import { resultKnown } from './please-wait';
import type { PaymentToCollect } from './ports';
import { Prompts } from './prompts';
import { STEPS } from './steps';

export interface DialogueStart {
  /** Resolved before answering when the INVITE carried the code. */
  payment?: PaymentToCollect;
  transferCode?: string;
  /** Known before the first step (e.g. the code in the INVITE is unknown): tell and return. */
  conclusion?: Conclusion;
}

export interface DialogueEnd {
  reason: CallEndReason;
  /** The step that was running when it ended. */
  lastStep: StepName;
}

export async function runDialogue(
  deps: DialogueDeps,
  call: DialogueCall,
  signal: AbortSignal,
  start: DialogueStart = {},
  onError: (err: unknown, step: StepName) => void = () => {},
): Promise<DialogueEnd> {
  const state: DialogueState = { mediaLost: false, ...start };
  const ctx: StepContext = { ...deps, call, state, signal };
  if (start.payment && start.transferCode) {
    const p = start.payment;
    deps.record({
      type: 'StartPayment',
      paymentId: p.paymentId,
      transferCode: start.transferCode,
      callMode: p.callMode,
      orderId: p.orderId,
      language: p.language,
      mode: p.mode,
    });
    if (p.callMode === 'AGENT_ASSISTED') deps.operator.assist(p.returnSipAddress);
  }
  let step: StepName = start.conclusion ? 'RESULT' : 'GREETING';
  let hungUp = false;
  let unsubscribe = () => {};
  while (step !== 'DONE') {
    // The operator's console requests reach the dialogue once its payment is known.
    if (state.payment && !state.subscribed) {
      state.subscribed = true;
      unsubscribe = deps.requests.subscribe(state.payment.paymentId, (r) => handleOperatorRequest(ctx, r));
    }
    // Cancelled by the operator (accepted only before the registration): no further card step, no
    // registration; the caller is told. A step the request interrupted has concluded so already.
    if (state.operatorCancelled && !state.conclusion) {
      conclude(ctx, { kind: 'operator-cancelled' });
      step = 'RESULT';
    }
    const current: StepName = step;
    state.step = current;
    if (isRecorded(current)) deps.record({ type: 'EnterStep', step: current });
    try {
      if (current !== 'RETURNING_TO_OPERATOR') await tellOperatorUnavailable(ctx);
      step = await STEPS[current](ctx);
    } catch (err) {
      if (err instanceof CallerHungUp || (signal.aborted && current !== 'RETURNING_TO_OPERATOR')) {
        hungUp = true;
        break;
      }
      onError(err, current);
      step = afterFailure(state, current, err);
    }
  }
  state.step = 'DONE';
  resultKnown(ctx);
  unsubscribe();
  await deps.operator.end(state.mediaLost ? 'MEDIA_LOST' : 'CALLER_LEG_ENDED');
  await deps.vault.closeSession(call.sessionId, hungUp ? 'hangup' : 'completed');
  const sipEndReason = call.sipEndReason?.();
  const reason: CallEndReason = hungUp
    ? sipEndReason === 'shutdown'
      ? 'SHUTDOWN'
      : 'CALLER_HUNG_UP'
    : endReason(state.conclusion ?? { kind: 'unavailable', service: 'dtmf-vault' }, state.returned ?? 'failed');
  if (!hungUp && !state.returned) await deps.leg.hangup();
  const decline = state.conclusion?.kind === 'card-rejected' ? state.conclusion.decline : undefined;
  deps.record({
    type: 'EndCall',
    reason,
    ...(sipEndReason ? { sipEndReason } : {}),
    ...(decline && reason === 'CARD_REJECTED' ? { registrationDecline: decline } : {}),
  });
  return { reason, lastStep: step };
}

/**
 * The operator of an agent-assisted call could not join, or left before the hand-back: the caller hears
 * so once (before the next step: a field being keyed is not interrupted), then goes on alone.
 */
async function tellOperatorUnavailable(ctx: StepContext): Promise<void> {
  const notice = ctx.operator.takeNotice();
  if (!notice || ctx.state.mediaLost) return;
  const promptIds = notice === 'left' ? Prompts.operatorLeft : Prompts.operatorUnavailable;
  const prompt = { promptIds: [...promptIds], language: language(ctx), bargeIn: false };
  await ctx.vault.play(ctx.call.sessionId, prompt, ctx.signal);
}

/** Steps the operator's screen shows (TRANSFER_CODE happens before there is a payment to show). */
function isRecorded(step: StepName): step is DialogueStep {
  return isDialogueStep(step);
}

/** Where a failed step leads: tell the caller (if possible), then hand back; a failed return ends. */
function afterFailure(state: DialogueState, failed: StepName, err: unknown): StepName {
  if (err instanceof MediaSessionLost) state.mediaLost = true;
  if (failed === 'RETURNING_TO_OPERATOR') {
    state.returned ??= 'failed';
    return 'DONE';
  }
  if (!state.conclusion) {
    const service = err instanceof ServiceUnavailable ? err.service : 'dtmf-vault';
    state.conclusion = { kind: 'unavailable', service };
  }
  // A failure while telling the result still hands the caller back.
  return failed === 'RESULT' ? 'RETURNING_TO_OPERATOR' : 'RESULT';
}
