// The INVITE carried no transfer code: the caller keys it (a plain-digits field, not card data). The
// question starts with the welcome, so the vault captures keys from the first word: a caller who keys
// the code during the welcome is heard (the prompt stops at the first key), none of it is lost.
// An unknown or expired code, or none at all, is told to the caller, who goes back to the operator.
import { conclude, firstPaymentStep, language, type Step } from '../context';
import { ServiceUnavailable } from '../errors';
import { Prompts } from '../prompts';

export const transferCode: Step = async (ctx) => {
  const { transferCode: timing } = ctx.config;
  const result = await ctx.vault.capture(
    ctx.call.sessionId,
    {
      kind: 'digits',
      language: language(ctx),
      promptIds: [...Prompts.welcome, ...Prompts.enterTransferCode],
      retryPromptIds: [...Prompts.retry],
      minLength: timing.minLength,
      maxLength: timing.maxLength,
      terminator: '#',
      firstDigitTimeoutMs: timing.firstDigitTimeoutMs,
      interDigitTimeoutMs: timing.interDigitTimeoutMs,
      maxAttempts: timing.maxAttempts,
    },
    () => {},
    ctx.signal,
  );
  if (result.kind !== 'completed' || !result.plainDigits) return conclude(ctx, { kind: 'unknown-code' });
  const code = result.plainDigits;
  let resolution: Awaited<ReturnType<typeof ctx.payments.resolveTransferCode>>;
  try {
    resolution = await ctx.payments.resolveTransferCode(code, ctx.signal);
  } catch (err) {
    if (err instanceof ServiceUnavailable) return conclude(ctx, { kind: 'unavailable', service: 'order-link' });
    throw err;
  }
  if (resolution.kind !== 'found') return conclude(ctx, { kind: 'unknown-code' });
  const p = resolution.payment;
  ctx.state.payment = p;
  ctx.record({
    type: 'StartPayment',
    paymentId: p.paymentId,
    transferCode: code,
    callMode: p.callMode,
    orderId: p.orderId,
    language: p.language,
    mode: p.mode,
  });
  if (p.callMode === 'AGENT_ASSISTED') ctx.operator.assist(p.returnSipAddress);
  return firstPaymentStep(p);
};
