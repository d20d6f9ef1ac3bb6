// "The amount is 12,345 yen. Press 1 to confirm, 2 to cancel." Any other key asks again, within
// the configured attempts; 2, or no answer at all, cancels and hands the caller back.
import { conclude, language, payment, type Step } from '../context';
import { Prompts } from '../prompts';

export const amountConfirmation: Step = async (ctx) => {
  const p = payment(ctx);
  const lang = language(ctx);
  const { confirm } = ctx.config;
  await ctx.vault.play(
    ctx.call.sessionId,
    { promptIds: [], amount: { minorUnits: p.amount, currency: p.currency }, language: lang, bargeIn: false },
    ctx.signal,
  );
  for (let attempt = 0; attempt < confirm.maxAttempts; attempt++) {
    // The operator of an agent-assisted call may cancel meanwhile.
    const interrupted = new AbortController();
    ctx.state.interruptible = { interrupt: (why) => interrupted.abort(why) };
    const result = await ctx.vault
      .capture(
        ctx.call.sessionId,
        {
          kind: 'digits',
          language: lang,
          promptIds: [...(attempt === 0 ? Prompts.confirmAmount : Prompts.confirmRetry)],
          retryPromptIds: [...Prompts.confirmRetry],
          minLength: 1,
          maxLength: 1,
          terminator: 'none',
          firstDigitTimeoutMs: confirm.firstDigitTimeoutMs,
          interDigitTimeoutMs: confirm.interDigitTimeoutMs,
          maxAttempts: confirm.maxAttempts - attempt,
        },
        () => {},
        AbortSignal.any([ctx.signal, interrupted.signal]),
      )
      .catch((err: unknown) => {
        if (!interrupted.signal.aborted || ctx.signal.aborted) throw err;
        return 'interrupted' as const;
      })
      .finally(() => {
        ctx.state.interruptible = undefined;
      });
    if (result === 'interrupted') return conclude(ctx, { kind: 'operator-cancelled' });
    if (result.kind === 'failed') break;
    if (result.plainDigits === '1') return 'CARD_NUMBER';
    if (result.plainDigits === '2') break;
  }
  return conclude(ctx, { kind: 'cancelled' });
};
