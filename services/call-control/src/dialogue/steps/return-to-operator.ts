// Hands the caller back: REFER to the payment's return address (or, without a payment, the PBX's Referred-By or the configured
// fallback). The IVR then ends its own leg: a transferee may keep it up after a transfer.
// A REFER that fails (the PBX refuses it, or the target does not answer) leaves the caller with the
// IVR: they hear that the operator will call back before the BYE, never a silent hang-up.
// Never throws and ignores the hang-up signal: the caller leaving now is the normal end.
import { language, type Step, type StepContext } from '../context';
import { Prompts } from '../prompts';

export const returnToOperator: Step = async (ctx) => {
  const p = ctx.state.payment;
  const target = p?.returnSipAddress ?? ctx.call.referredBy ?? ctx.config.fallbackReturnUri;
  if (!target) {
    await ctx.leg.hangup();
    ctx.record({ type: 'RecordReturn', method: 'BYE', outcome: 'FAILED', detail: 'no return address' });
    ctx.state.returned = 'failed';
    return 'DONE';
  }
  await refer(ctx, target);
  await ctx.leg.hangup();
  return 'DONE';
};

async function refer(ctx: StepContext, target: string): Promise<void> {
  const r = await ctx.leg.refer(target);
  const ok = r.outcome === 'succeeded';
  ctx.record({
    type: 'RecordReturn',
    method: 'REFER',
    target,
    outcome: ok ? 'SUCCEEDED' : 'FAILED',
    ...(r.status !== undefined ? { sipStatus: r.status } : {}),
    ...(r.outcome === 'failed' ? { detail: r.reason } : {}),
  });
  ctx.state.returned = ok ? 'referred' : 'failed';
  if (!ok && !ctx.state.mediaLost) {
    const stillThere = new AbortController(); // the caller may hang up meanwhile: that ends the prompt
    const prompt = { promptIds: [...Prompts.callWillBeReturned], language: language(ctx), bargeIn: false };
    await ctx.vault.play(ctx.call.sessionId, prompt, stillThere.signal).catch(() => {});
  }
}
