// The operator of an agent-assisted call asks from the console: "let's enter it again" (the card field
// being keyed starts over) or cancel (the payment ends before the card is registered, the caller told).
// Each request is answered on the Call (OperatorRequestHandled): done, too late (the card is captured
// or being registered), or nothing to restart (no card field is being keyed now).
import type { StepContext, StepName } from './context';
import type { OperatorRequest } from './ports';

/** From here on the card is registered or the payment is over: nothing can be cancelled or re-keyed. */
const LATE: ReadonlySet<StepName> = new Set(['REGISTERING', 'AUTHORIZING', 'RESULT', 'RETURNING_TO_OPERATOR', 'DONE']);

export function handleOperatorRequest(ctx: StepContext, request: OperatorRequest): void {
  const late = (ctx.state.step !== undefined && LATE.has(ctx.state.step)) || ctx.state.conclusion !== undefined;
  const answer = (outcome: 'DONE' | 'TOO_LATE' | 'NOTHING_TO_RESTART', field?: string) =>
    ctx.record({
      type: 'RecordOperatorRequest',
      request: request.kind === 'cancel' ? 'CANCEL' : 'RESTART_FIELD',
      requestEventId: request.eventId,
      outcome,
      ...(field ? { field: field as never } : {}),
    });
  if (request.kind === 'cancel') {
    if (late || ctx.state.operatorCancelled) {
      answer('TOO_LATE');
      return;
    }
    ctx.state.operatorCancelled = true;
    answer('DONE');
    ctx.state.interruptible?.interrupt('cancel');
    return;
  }
  const running = ctx.state.interruptible;
  if (!running?.field) {
    answer(late ? 'TOO_LATE' : 'NOTHING_TO_RESTART');
    return;
  }
  answer('DONE', running.field);
  running.interrupt('restart');
}
