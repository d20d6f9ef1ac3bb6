// Shared by the three card steps: asks the vault to capture one field and relays its masked
// progress to the Call aggregate (the operator's screen). The vault handles `*` (start the field
// again), timeouts and re-prompts within the attempts it is given; this only counts.
import type { CardField, PromptId } from '@ivr/contracts';
import type { FieldTiming } from '../config';
import { conclude, language, type StepContext, type StepName } from '../context';
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
  const onUpdate = (u: CaptureUpdate) => {
    switch (u.type) {
      case 'progress':
        progress({ digitsEntered: u.digitsEntered, ...(u.brand ? { brand: u.brand } : {}), valid: null });
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
  const result = await ctx.vault.capture(
    ctx.call.sessionId,
    {
      kind: KIND[field],
      language: language(ctx),
      promptIds: [...promptIds],
      retryPromptIds: [...Prompts.retry],
      firstDigitTimeoutMs: timing.firstDigitTimeoutMs,
      interDigitTimeoutMs: timing.interDigitTimeoutMs,
      maxAttempts: timing.maxAttempts,
    },
    onUpdate,
    ctx.signal,
  );
  if (result.kind === 'failed') return conclude(ctx, { kind: 'capture-failed' });
  progress({ digitsEntered: result.digitsEntered, ...(result.brand ? { brand: result.brand } : {}), valid: true });
  return next;
}
