// Authorize (or capture, or register) with the payment id as idempotency key, so retrying after
// an unreachable service or asking again while PENDING can never charge twice.
import { backoffDelayMs } from '@ivr/backoff';
import type { Conclusion } from '../conclusion';
import { conclude, payment, type Step, type StepContext } from '../context';
import { ServiceUnavailable, throwIfHungUp } from '../errors';
import type { AuthorizationOutcome } from '../ports';

export const authorization: Step = async (ctx) => {
  const p = payment(ctx);
  const card = ctx.state.card;
  if (!card) throw new Error('authorization needs a registered card');
  let outcome: AuthorizationOutcome;
  try {
    outcome = await authorizeWithRetries(ctx, () =>
      ctx.authorization.authorize(
        {
          paymentId: p.paymentId,
          card,
          amount: p.amount,
          currency: p.currency,
          mode: p.mode,
          orderReference: p.orderId,
          correlationId: ctx.call.callId,
          pspAccountId: p.pspAccountId,
        },
        ctx.signal,
      ),
    );
    const deadline = ctx.clock.now() + ctx.config.pendingWaitMs;
    while (outcome.status === 'PENDING' && ctx.clock.now() < deadline) {
      await ctx.clock.sleep(ctx.config.pendingPollMs, ctx.signal);
      outcome = await ctx.authorization.getAuthorization(p.paymentId, ctx.signal);
    }
  } catch (err) {
    if (err instanceof ServiceUnavailable) return conclude(ctx, { kind: 'unavailable', service: 'authorization' });
    throw err;
  }
  ctx.record({ type: 'RecordAuthorization', ...authorizationRecord(outcome) });
  return conclude(ctx, toConclusion(outcome));
};

/** Between tries of an unavailable authorization service, while the caller hears "please wait". */
const AUTHORIZE_BACKOFF = { initialMs: 250, maxMs: 1000 };

async function authorizeWithRetries(
  ctx: StepContext,
  authorize: () => Promise<AuthorizationOutcome>,
): Promise<AuthorizationOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await authorize();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable) || attempt >= ctx.config.authorizeAttempts) throw err;
      throwIfHungUp(ctx.signal);
      await ctx.clock.sleep(backoffDelayMs(attempt, AUTHORIZE_BACKOFF), ctx.signal);
    }
  }
}

function toConclusion(o: AuthorizationOutcome): Conclusion {
  switch (o.status) {
    case 'APPROVED':
    case 'CAPTURED':
      return { kind: 'approved' };
    case 'REGISTERED':
      return { kind: 'registered' };
    case 'DECLINED':
      return { kind: 'declined' };
    case 'FAILED':
      return { kind: 'payment-failed' };
    case 'PENDING':
      return { kind: 'payment-pending' };
  }
}

/** The RecordAuthorization command's data for an outcome (also used by crash recovery's fence). */
export function authorizationRecord(o: AuthorizationOutcome) {
  switch (o.status) {
    case 'DECLINED':
      return {
        outcome: o.status,
        declineReason: o.declineReason,
        ...(o.pspReference ? { pspReference: o.pspReference } : {}),
      };
    case 'FAILED':
      return { outcome: o.status, failureCode: o.failureCode };
    case 'PENDING':
      return { outcome: o.status };
    default:
      return { outcome: o.status, ...(o.pspReference ? { pspReference: o.pspReference } : {}) };
  }
}
