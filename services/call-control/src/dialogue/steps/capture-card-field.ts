// Shared by the three card steps: asks the vault to capture one field and relays its masked
// progress to the operator's screen. Each key pressed goes by the live channel only (ivr.call-progress.v1,
// not stored); what the field came to is recorded in the Call aggregate once per turn (completed, rejected,
// timed out, started again), which is what auditors and the payment's timeline read. The vault handles
// `*` (start the field again), timeouts and re-prompts within the attempts it is given; this only counts.
// The operator of an agent-assisted call can have the field keyed again, or cancel, from the console.
import type { CardField, PromptId } from '@ivr/contracts';
import type { FieldTiming } from '../config';
import { conclude, language, payment, type StepContext, type StepName } from '../context';
import type { CaptureUpdate, FieldKind } from '../ports';
import { Prompts } from '../prompts';

const KIND: Record<CardField, Exclude<FieldKind, 'digits'>> = {
  CARD_NUMBER: 'card_number',
  EXPIRY: 'expiry',
  SECURITY_CODE: 'security_code',
};

export async function captureCardField(
  ctx: StepContext,
  field: CardField,
  promptIds: readonly PromptId[],
  timing: FieldTiming,
  next: StepName,
): Promise<StepName> {
  let attemptsLeft = timing.maxAttempts;
  const progress = (p: { digitsEntered: number; brand?: string; valid: boolean | null; invalidReason?: string }) =>
    ctx.record({ type: 'RecordCaptureProgress', field, attemptsLeft, ...p });
  const { callId } = ctx.call;
  const { paymentId } = payment(ctx);
  const onUpdate = (u: CaptureUpdate) => {
    switch (u.type) {
      case 'progress':
        ctx.live({
          callId,
          paymentId,
          field,
          attemptsLeft,
          digitsEntered: u.digitsEntered,
          ...(u.brand ? { brand: u.brand } : {}),
          valid: null,
        });
        return;
      case 'restarted':
        attemptsLeft = u.attemptsLeft;
        progress({ digitsEntered: 0, valid: null });
        return;
      case 'invalid':
        attemptsLeft = u.attemptsLeft;
        progress({ digitsEntered: 0, valid: false, invalidReason: u.reason.toUpperCase() });
        return;
      case 'timed_out':
        attemptsLeft = u.attemptsLeft;
        progress({ digitsEntered: 0, valid: false, invalidReason: 'TIMEOUT' });
        return;
    }
  };
  const request = {
    kind: KIND[field],
    language: language(ctx),
    promptIds: [...promptIds],
    retryPromptIds: [...Prompts.retry],
    firstDigitTimeoutMs: timing.firstDigitTimeoutMs,
    interDigitTimeoutMs: timing.interDigitTimeoutMs,
  };
  for (;;) {
    // The operator of an agent-assisted call may have the field keyed again, or cancel: the vault's
    // capture is cancelled (it wipes what was keyed of this field) and started again with the attempts left.
    const interrupted = new AbortController();
    ctx.state.interruptible = { field, interrupt: (why) => interrupted.abort(why) };
    let result: Awaited<ReturnType<typeof ctx.vault.capture>>;
    try {
      const signal = AbortSignal.any([ctx.signal, interrupted.signal]);
      result = await ctx.vault.capture(ctx.call.sessionId, { ...request, maxAttempts: attemptsLeft }, onUpdate, signal);
    } catch (err) {
      if (!interrupted.signal.aborted || ctx.signal.aborted) throw err;
      if (interrupted.signal.reason === 'cancel') return conclude(ctx, { kind: 'operator-cancelled' });
      progress({ digitsEntered: 0, valid: null });
      continue;
    } finally {
      ctx.state.interruptible = undefined;
    }
    if (result.kind === 'failed') return conclude(ctx, { kind: 'capture-failed' });
    progress({ digitsEntered: result.digitsEntered, ...(result.brand ? { brand: result.brand } : {}), valid: true });
    return next;
  }
}
