// Tells the caller how it ended (approved, declined, cancelled, ...), unless the media is gone.
import { language, type Step } from '../context';
import { resultPrompts } from '../prompts';

export const result: Step = async (ctx) => {
  const { conclusion, mediaLost } = ctx.state;
  if (conclusion && !mediaLost) {
    await ctx.vault.play(
      ctx.call.sessionId,
      { promptIds: resultPrompts(conclusion), language: language(ctx), bargeIn: false },
      ctx.signal,
    );
  }
  return 'RETURNING_TO_OPERATOR';
};
