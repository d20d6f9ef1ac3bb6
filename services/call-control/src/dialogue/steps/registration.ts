// The vault tokenizes the card at the PSP and wipes PAN and security code, whatever the answer.
// "Please wait" plays meanwhile. A refused card or an unreachable PSP ends the payment here.
import { conclude, language, payment, type Step } from '../context';
import { Prompts } from '../prompts';

export const registration: Step = async (ctx) => {
  const { sessionId, callId } = ctx.call;
  const [registration] = await Promise.all([
    // One registration per call: a retried RPC must not create a second payment method.
    ctx.vault.registerCard(sessionId, `card-${callId}`, payment(ctx).pspAccountId, ctx.signal),
    ctx.vault.play(
      sessionId,
      { promptIds: [...Prompts.pleaseWait], language: language(ctx), bargeIn: false },
      ctx.signal,
    ),
  ]);
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
