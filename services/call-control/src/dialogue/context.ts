// What every step receives: the call, the ports, the configuration and the dialogue's state so far.
import type { CaptureProgressedPayload, CardField, DialogueStep, Language, MaskedCard } from '@ivr/contracts';
import type { CallCommand } from '../call';
import type { Conclusion } from './conclusion';
import type { DialogueConfig } from './config';
import type {
  AuthorizationPort,
  CallerLeg,
  Clock,
  OperatorLine,
  OperatorRequests,
  PaymentsPort,
  PaymentToCollect,
  VaultPort,
} from './ports';

/** Steps in order of a full payment; TRANSFER_CODE only when the INVITE carried no code. */
export type StepName = DialogueStep | 'TRANSFER_CODE' | 'DONE';

export interface DialogueCall {
  callId: string;
  /** The vault's media session of this call. */
  sessionId: string;
  /** Referred-By of the INVITE: where the PBX says the caller came from (a return target of last resort). */
  referredBy?: string;
  /** How the SIP leg ended, once it has (e.g. remote-bye, shutdown). */
  sipEndReason?: () => string | undefined;
}

export interface DialogueDeps {
  vault: VaultPort;
  authorization: AuthorizationPort;
  payments: PaymentsPort;
  leg: CallerLeg;
  /** The operator's leg (agent-assisted, or a call-back): idle for an IVR-only call until needed. */
  operator: OperatorLine;
  /** The operator's requests from the console (restart the field, cancel), for this call's payment. */
  requests: OperatorRequests;
  clock: Clock;
  config: DialogueConfig;
  /** Records a fact of the call (the Call aggregate); never throws, never blocks the caller. */
  record: (command: CallCommand) => void;
  /**
   * Tells the operator's screen, live, how far the caller is in a card field (a key pressed): not
   * stored, since the Call aggregate keeps one summary per field. Never throws, never blocks; may be lost.
   */
  live: (progress: CaptureProgressedPayload) => void;
  /**
   * Resolves once everything recorded so far is stored (and on its way to Kafka): true, or false
   * when some fact of this call could not be stored (the database refused it through every retry).
   */
  flush: () => Promise<boolean>;
}

export interface DialogueState {
  payment?: PaymentToCollect;
  card?: MaskedCard;
  conclusion?: Conclusion;
  /** How the caller went back: transferred (REFER), or bridged with the operator (they talked on). */
  returned?: 'referred' | 'bridged' | 'failed';
  /** The vault session is gone: nothing can be played any more. */
  mediaLost: boolean;
  /** The step running now. */
  step?: StepName;
  /** The capture the operator may interrupt now: a card field (restart or cancel), or the amount confirmation (cancel). */
  interruptible?: { field?: CardField; interrupt(why: 'restart' | 'cancel'): void };
  /** The operator cancelled the payment (agent-assisted): it ends before the card is registered. */
  operatorCancelled?: boolean;
  /** The operator's requests for the payment reach this dialogue. */
  subscribed?: boolean;
  /** "Please wait" pending or playing while the card is registered and paid for (dialogue/please-wait.ts). */
  pleaseWait?: { stop(): void };
}

export interface StepContext extends DialogueDeps {
  call: DialogueCall;
  state: DialogueState;
  /** Aborts when the caller hangs up. */
  signal: AbortSignal;
}

export type Step = (ctx: StepContext) => Promise<StepName>;

export function language(ctx: StepContext): Language {
  return ctx.state.payment?.language ?? ctx.config.defaultLanguage;
}

/** The payment, which every step after the transfer code needs. */
export function payment(ctx: StepContext): PaymentToCollect {
  const p = ctx.state.payment;
  if (!p) throw new Error('dialogue step needs a resolved payment');
  return p;
}

/** Ends the payment part of the dialogue: the result step tells the caller. */
export function conclude(ctx: StepContext, conclusion: Conclusion): StepName {
  ctx.state.conclusion = conclusion;
  return 'RESULT';
}

/** After the greeting or the code: the amount read-back, except when only a card is registered. */
export function firstPaymentStep(p: PaymentToCollect): StepName {
  return p.mode === 'REGISTER_CARD' ? 'CARD_NUMBER' : 'AMOUNT_CONFIRMATION';
}
