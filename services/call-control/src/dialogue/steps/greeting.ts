// Welcome, in the payment's language (or the default one when the code is still to be keyed).
import { firstPaymentStep, language, type Step } from '../context';
import { Prompts } from '../prompts';

export const greeting: Step = async (ctx) => {
  await ctx.vault.play(
    ctx.call.sessionId,
    { promptIds: [...Prompts.welcome], language: language(ctx), bargeIn: false },
    ctx.signal,
  );
  return ctx.state.payment ? firstPaymentStep(ctx.state.payment) : 'TRANSFER_CODE';
};
