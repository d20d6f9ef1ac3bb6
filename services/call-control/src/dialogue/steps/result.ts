// Tells the caller how it ended (approved, declined, cancelled, ...), unless the media is gone; "transferring
// you back" only when they will be transferred (not to a caller who is on the line with the operator).
import { language, type Step } from '../context';
import { resultPrompts } from '../prompts';

export const result: Step = async (ctx) => {
  const { conclusion, mediaLost } = ctx.state;
  if (conclusion && !mediaLost) {
    await ctx.vault.play(
      ctx.call.sessionId,
      {
        promptIds: resultPrompts(conclusion).filter((id) => !ctx.operator.bridged || id !== 'transferring-back'),
        language: language(ctx),
        bargeIn: false,
      },
      ctx.signal,
    );
  }
  return 'RETURNING_TO_OPERATOR';
};
