// Hands the caller back. When the operator is on the call (agent-assisted, bridged through the vault)
// nobody is transferred: caller and operator talk on until one of them hangs up, and the IVR then ends
// the other leg. Otherwise REFER to the payment's return address (or, without a payment, the PBX's
// Referred-By or the configured fallback), and the IVR ends its own leg: a transferee may keep it up.
// A PBX that refuses the REFER itself gets the call-back instead (when enabled): the IVR calls the
// operator and bridges the two as in agent-assisted mode. A hand-back that fails all the same leaves
// the caller with the IVR: they hear that the operator will call back before the BYE, never a silent
// hang-up. After a vault restart an agent-assisted call ends on both legs.
// Never throws and ignores the hang-up signal: the caller leaving now is the normal end.
import { language, type Step, type StepContext } from '../context';
import { Prompts } from '../prompts';

export const returnToOperator: Step = async (ctx) => {
  const p = ctx.state.payment;
  if (ctx.state.mediaLost && p?.callMode === 'AGENT_ASSISTED') {
    await ctx.operator.end('MEDIA_LOST');
    await ctx.leg.hangup();
    ctx.record({ type: 'RecordReturn', method: 'BYE', outcome: 'FAILED', detail: 'the media session was lost' });
    ctx.state.returned = 'failed';
    return 'DONE';
  }
  if (ctx.operator.bridged && p) {
    await talkOn(ctx, p.returnSipAddress);
    return 'DONE';
  }
  const target = p?.returnSipAddress ?? ctx.call.referredBy ?? ctx.config.fallbackReturnUri;
  if (!target) {
    await ctx.leg.hangup();
    ctx.record({ type: 'RecordReturn', method: 'BYE', outcome: 'FAILED', detail: 'no return address' });
    ctx.state.returned = 'failed';
    return 'DONE';
  }
  const refused = await refer(ctx, target);
  if (refused && p && ctx.config.callBackWhenReferRefused && !ctx.state.mediaLost && !ctx.signal.aborted) {
    if (await ctx.operator.callBack(p.returnSipAddress, ctx.signal)) {
      await talkOn(ctx, p.returnSipAddress);
      return 'DONE';
    }
  }
  if (ctx.state.returned === 'failed') await tellCallBack(ctx);
  await ctx.leg.hangup();
  return 'DONE';
};

/** Caller and operator are bridged: recorded as the hand-back, then they talk until one hangs up. */
async function talkOn(ctx: StepContext, target: string): Promise<void> {
  ctx.record({ type: 'RecordReturn', method: 'BRIDGE', target, outcome: 'SUCCEEDED' });
  ctx.state.returned = 'bridged';
  const ended = await ctx.operator.talkOn(ctx.signal);
  if (ended !== 'caller-hung-up') await ctx.leg.hangup();
}

/** REFER to the target, recorded; true when the PBX refused the REFER itself. */
async function refer(ctx: StepContext, target: string): Promise<boolean> {
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
  return r.outcome === 'failed' && r.refused === true;
}

async function tellCallBack(ctx: StepContext): Promise<void> {
  if (ctx.state.mediaLost) return;
  const stillThere = new AbortController(); // the caller may hang up meanwhile: that ends the prompt
  const prompt = { promptIds: [...Prompts.callWillBeReturned], language: language(ctx), bargeIn: false };
  await ctx.vault.play(ctx.call.sessionId, prompt, stillThere.signal).catch(() => {});
}
