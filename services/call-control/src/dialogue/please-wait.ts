// "Please wait" while the card is registered and paid for, only when that is not quick: started with
// the last key of the card (the registration step starts at once), it plays once the result has not come
// within `pleaseWaitAfterMs`, and the result cuts it: the vault plays a new prompt in place of the one
// playing, so the result step's prompt stops it the moment the result is known, and a result that came
// within the bound is heard with nothing before it.
import { language, type StepContext } from './context';
import { Prompts } from './prompts';

/** Starts the bound; the result step (or the dialogue's end) stops it. */
export function pleaseWaitUnlessQuick(ctx: StepContext): void {
  ctx.state.pleaseWait?.stop();
  const stopped = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stopped.signal]);
  ctx.state.pleaseWait = { stop: () => stopped.abort() };
  // ifIdle: sent just before the result's prompt, it may reach the vault after it, and must not cut it.
  const prompt = { promptIds: [...Prompts.pleaseWait], language: language(ctx), bargeIn: false, ifIdle: true };
  void ctx.clock
    .sleep(ctx.config.pleaseWaitAfterMs, signal)
    .then(() => (signal.aborted ? undefined : ctx.vault.play(ctx.call.sessionId, prompt, ctx.signal)))
    // Stopped, hung up, or the media is gone: the steps that follow find out for themselves.
    .catch(() => {});
}

/** The result is known: "please wait" will not start, and the next prompt cuts it if it plays. */
export function resultKnown(ctx: StepContext): void {
  ctx.state.pleaseWait?.stop();
  ctx.state.pleaseWait = undefined;
}
