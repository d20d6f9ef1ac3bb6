// Tells the caller how it ended (approved, declined, cancelled, ...), unless the media is gone; "transferring
// you back" only when they will be transferred (not to a caller who is on the line with the operator).
// The result prompt cuts a "please wait" still playing (the vault plays it in place of the one playing).
import { language, type Step } from '../context';
import { resultKnown } from '../please-wait';
import { resultPrompts } from '../prompts';

export const result: Step = async (ctx) => {
  resultKnown(ctx);
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
