// The vault tokenizes the card at the PSP and wipes PAN and security code, whatever the answer. It
// starts with the last key of the card: "please wait" plays only if the result (registration and
// authorization) takes longer than a short bound (dialogue/please-wait.ts). A refused card or an
// unreachable PSP ends the payment here.
import { conclude, payment, type Step } from '../context';
import { pleaseWaitUnlessQuick } from '../please-wait';

export const registration: Step = async (ctx) => {
  const { sessionId, callId } = ctx.call;
  pleaseWaitUnlessQuick(ctx);
  // One registration per call: a retried RPC must not create a second payment method.
  const registration = await ctx.vault.registerCard(sessionId, `card-${callId}`, payment(ctx).pspAccountId, ctx.signal);
  if (registration.kind === 'failed') {
    const { failure } = registration;
    if (failure === 'declined' || failure === 'invalid-card') {
      return conclude(ctx, {
        kind: 'card-rejected',
        ...(registration.decline ? { decline: registration.decline } : {}),
      });
    }
    // The vault wiped the card before this registration came (too long after its capture): nothing
    // reached the PSP; the caller is told the entry failed.
    if (failure === 'card-wiped') return conclude(ctx, { kind: 'capture-failed' });
    return conclude(ctx, { kind: 'unavailable', service: 'psp' });
  }
  ctx.state.card = registration.card;
  ctx.record({ type: 'RecordCardCaptured', card: registration.card });
  // The card is on record before any authorization outcome can be: order-link folds both topics.
  // And no Authorize without CardCaptured stored: crash recovery fences a payment only when it is
  // (src/recovery), so an authorization it cannot see must never be requested.
  if (!(await ctx.flush())) return conclude(ctx, { kind: 'unavailable', service: 'call-control' });
  return 'AUTHORIZING';
};
