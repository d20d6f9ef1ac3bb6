/**
 * The live progress of one payment's call, folded from the events the screen receives (live stream
 * or the payment's timeline). Pure and DOM-free: unit-tested in services/order-link/test.
 */
import { type DialogueStep, isDialogueStep, type PaymentOutcome } from '@ivr/contracts/vocabulary';

export type StepKey =
  | 'transferred'
  | 'greeting'
  | 'cardNumber'
  | 'expiry'
  | 'securityCode'
  | 'registering'
  | 'authorizing'
  | 'result'
  | 'returned';
export const STEPS: readonly StepKey[] = [
  'transferred',
  'greeting',
  'cardNumber',
  'expiry',
  'securityCode',
  'registering',
  'authorizing',
  'result',
  'returned',
];
export type StepStatus = 'pending' | 'active' | 'done' | 'failed';

export interface FieldProgress {
  digitsEntered: number;
  valid: boolean | null;
  brand?: string;
  invalidReason?: string;
  attemptsLeft?: number;
}

export interface Progress {
  steps: Record<StepKey, StepStatus>;
  fields: Partial<Record<'cardNumber' | 'expiry' | 'securityCode', FieldProgress>>;
  brand?: string;
  outcome?: {
    kind: PaymentOutcome;
    code?: string;
    reason?: string;
  };
  endReason?: string;
  /** Agent-assisted: the operator's own leg (the IVR calls them; the vault bridges them with the caller). */
  operator?: { state: 'joined' | 'unavailable' | 'left'; reason?: string };
  /** What became of the operator's last request (restart the field, cancel). */
  request?: { request: string; outcome: string; field?: string };
}

export interface ProgressEvent {
  type: string;
  data: Record<string, unknown>;
}

export function initialProgress(): Progress {
  return { steps: Object.fromEntries(STEPS.map((s) => [s, 'pending'])) as Record<StepKey, StepStatus>, fields: {} };
}

/** The screen's step for each step of the dialogue (the amount confirmation belongs to the greeting). */
export const STEP_OF_DIALOGUE: Record<DialogueStep, StepKey> = {
  GREETING: 'greeting',
  AMOUNT_CONFIRMATION: 'greeting',
  CARD_NUMBER: 'cardNumber',
  EXPIRY: 'expiry',
  SECURITY_CODE: 'securityCode',
  REGISTERING: 'registering',
  AUTHORIZING: 'authorizing',
  RESULT: 'result',
  RETURNING_TO_OPERATOR: 'returned',
};
const FIELD_STEP: Record<string, 'cardNumber' | 'expiry' | 'securityCode'> = {
  CARD_NUMBER: 'cardNumber',
  EXPIRY: 'expiry',
  SECURITY_CODE: 'securityCode',
};

/** Marks `step` active and every earlier step done (events can be missed; later ones imply earlier). */
function reach(p: Progress, step: StepKey, status: StepStatus = 'active'): Progress {
  const steps = { ...p.steps };
  const at = STEPS.indexOf(step);
  STEPS.forEach((s, i) => {
    if (i < at && steps[s] !== 'failed') steps[s] = 'done';
  });
  if (steps[step] !== 'done' || status !== 'active') steps[step] = status;
  return { ...p, steps };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function applyEvent(p: Progress, e: ProgressEvent): Progress {
  const d = e.data;
  switch (e.type) {
    case 'CallStarted':
    case 'PaymentTransferredToIvr':
      return p.steps.transferred === 'pending' ? reach(p, 'transferred', 'done') : p;
    case 'CallStepEntered': {
      if (!isDialogueStep(d.step)) return p;
      const step = STEP_OF_DIALOGUE[d.step];
      // Once the caller is back with the operator the call is over for this screen.
      return reach(p, step, step === 'returned' ? 'done' : 'active');
    }
    case 'CaptureProgressed': {
      const step = FIELD_STEP[str(d.field) ?? ''];
      if (!step) return p;
      const valid = d.valid === true ? true : d.valid === false ? false : null;
      const field: FieldProgress = {
        digitsEntered: typeof d.digitsEntered === 'number' ? d.digitsEntered : 0,
        valid,
        ...(str(d.brand) ? { brand: str(d.brand) } : {}),
        ...(str(d.invalidReason) ? { invalidReason: str(d.invalidReason) } : {}),
        ...(typeof d.attemptsLeft === 'number' ? { attemptsLeft: d.attemptsLeft } : {}),
      };
      const next = reach(p, step, valid === true ? 'done' : 'active');
      return {
        ...next,
        fields: { ...next.fields, [step]: field },
        ...(step === 'cardNumber' && field.brand ? { brand: field.brand } : {}),
      };
    }
    case 'CardCaptured':
    case 'PaymentCardCaptured': {
      const next = reach(p, 'registering', 'done');
      const brand = str((d.card as Record<string, unknown> | undefined)?.brand);
      return brand ? { ...next, brand } : next;
    }
    case 'PaymentApproved':
      return {
        ...reach(reach(p, 'authorizing', 'done'), 'result', 'done'),
        outcome: { kind: 'APPROVED', code: str(d.authorizationCode) ?? '' },
      };
    case 'PaymentDeclined':
      return {
        ...reach(reach(p, 'authorizing', 'done'), 'result', 'failed'),
        outcome: { kind: 'DECLINED', reason: str(d.reason) ?? 'GENERIC_DECLINE' },
      };
    case 'PaymentFailed':
      return { ...reach(p, 'result', 'failed'), outcome: { kind: 'FAILED', reason: str(d.reason) ?? '' } };
    case 'PaymentCancelled':
      return { ...p, outcome: { kind: 'CANCELLED', reason: str(d.reason) ?? '' } };
    case 'PaymentExpired':
      return { ...p, outcome: { kind: 'EXPIRED' } };
    case 'PaymentAbandoned':
      return { ...p, outcome: { kind: 'ABANDONED', reason: str(d.callEndReason) ?? '' } };
    case 'OperatorLegAnswered':
      return { ...p, operator: { state: 'joined' } };
    case 'OperatorLegFailed':
      return { ...p, operator: { state: 'unavailable', ...(str(d.reason) ? { reason: str(d.reason) } : {}) } };
    case 'OperatorLegEnded':
      return p.operator?.state === 'joined'
        ? { ...p, operator: { state: 'left', ...(str(d.reason) ? { reason: str(d.reason) } : {}) } }
        : p;
    case 'OperatorRequestHandled':
      return {
        ...p,
        request: {
          request: str(d.request) ?? '',
          outcome: str(d.outcome) ?? '',
          ...(str(d.field) ? { field: str(d.field) } : {}),
        },
      };
    case 'CallEnded': {
      const reason = str(d.reason) ?? '';
      const back =
        reason === 'RETURNED_TO_OPERATOR' || reason === 'OPERATOR_STAYED_ON' || reason === 'OPERATOR_CANCELLED';
      const next = back ? reach(p, 'returned', 'done') : p;
      // Steps still running when the call ends without the caller coming back did not finish.
      const steps = { ...next.steps };
      if (!back) for (const s of STEPS) if (steps[s] === 'active') steps[s] = 'failed';
      return { ...next, steps, endReason: reason };
    }
    default:
      return p;
  }
}

export const foldProgress = (events: readonly ProgressEvent[], from = initialProgress()): Progress =>
  events.reduce(applyEvent, from);

/** Dots for digits entered: the screen never has the digits themselves. */
export const dots = (n: number): string => '•'.repeat(Math.max(0, Math.min(n, 19)));
