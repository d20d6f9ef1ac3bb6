// Welcome, in the payment's language. When the code is still to be keyed, the welcome is the start of
// the transfer-code question instead (transfer-code.ts): a caller who keys the code while it plays is
// heard (barge-in), as callers who were just told their code do.
import { firstPaymentStep, language, type Step } from '../context';
import { Prompts } from '../prompts';

export const greeting: Step = async (ctx) => {
  const p = ctx.state.payment;
  if (!p) return 'TRANSFER_CODE';
  await ctx.vault.play(
    ctx.call.sessionId,
    { promptIds: [...Prompts.welcome], language: language(ctx), bargeIn: false },
    ctx.signal,
  );
  return firstPaymentStep(p);
};
