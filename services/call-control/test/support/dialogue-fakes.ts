// Fakes of the dialogue's ports for unit tests: a scripted vault, authorization and order-link,
// a caller leg, a manual clock, and a recorder that runs the real Call decider over what the
// dialogue records (so tests read the events the call would publish).
import type { CallEventPayloads, CaptureProgressedPayload, MaskedCard } from '@ivr/contracts';
import { OperatorRequestInbox } from '../../src/app/operator-requests';
import {
  type CallCommand,
  type CallEvent,
  type CallState,
  decideCall,
  evolveCall,
  initialCallState,
} from '../../src/call';
import { DEFAULT_DIALOGUE_CONFIG, type DialogueConfig, type DialogueDeps } from '../../src/dialogue';
import { CallerHungUp } from '../../src/dialogue/errors';
import type {
  AuthorizationOutcome,
  AuthorizeRequest,
  CaptureResult,
  CaptureUpdate,
  FieldKind,
  FieldRequest,
  OperatorLine,
  OperatorNotice,
  PaymentToCollect,
  PlayRequest,
  Registration,
  Resolution,
  TransferResult,
} from '../../src/dialogue/ports';

export const CARD: MaskedCard = {
  pspToken: 'pm_test_1',
  brand: 'visa',
  bin6: '424242',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2034,
};

export const PAYMENT: PaymentToCollect = {
  paymentId: 'pay-1',
  orderId: 'order-1',
  amount: 12_345,
  currency: 'JPY',
  mode: 'AUTHORIZE',
  language: 'en',
  returnSipAddress: 'sip:operator@127.0.0.1:5099',
  callMode: 'IVR_ONLY',
  pspAccountId: 'pa_0123456789abcdef01234567',
};

/** One capture as the vault would run it: updates, then a result (or a thrown error). */
export type CaptureScript = {
  updates?: CaptureUpdate[];
  result?: CaptureResult;
  error?: Error;
  hangUp?: boolean;
  /** Runs once the capture started (e.g. the operator's request arrives). */
  during?: () => void;
  /** The capture runs until it is cancelled (its signal aborts), as a caller who keys nothing. */
  untilCancelled?: boolean;
};

export const completed = (digitsEntered: number, extra: Partial<Extract<CaptureResult, { kind: 'completed' }>> = {}) =>
  ({ result: { kind: 'completed', digitsEntered, ...extra } }) as CaptureScript;
export const keyed = (digits: string): CaptureScript => completed(digits.length, { plainDigits: digits });

export class FakeVault {
  readonly plays: PlayRequest[] = [];
  readonly captures: FieldRequest[] = [];
  readonly scripts = new Map<FieldKind, CaptureScript[]>();
  registration: Registration | Error = { kind: 'registered', card: CARD };
  registrations: string[] = [];
  closed: Array<'hangup' | 'completed'> = [];
  /** Called when a script says the caller hangs up. */
  hangUp: () => void = () => {};

  script(kind: FieldKind, ...steps: CaptureScript[]): this {
    this.scripts.set(kind, [...(this.scripts.get(kind) ?? []), ...steps]);
    return this;
  }

  /** Every prompt id played or used to ask for a field, in order. */
  get promptsHeard(): string[] {
    return this.plays.flatMap((p) => p.promptIds);
  }

  async play(_sessionId: string, request: PlayRequest, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new CallerHungUp();
    this.plays.push(request);
  }

  async capture(
    _sessionId: string,
    request: FieldRequest,
    onUpdate: (u: CaptureUpdate) => void,
    signal: AbortSignal,
  ): Promise<CaptureResult> {
    if (signal.aborted) throw new CallerHungUp();
    this.captures.push(request);
    const script = this.scripts.get(request.kind)?.shift();
    if (!script) throw new Error(`no script for a ${request.kind} capture`);
    for (const u of script.updates ?? []) onUpdate(u);
    if (script.untilCancelled) {
      const cancelled = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new CallerHungUp()), { once: true }),
      );
      script.during?.();
      return cancelled;
    }
    script.during?.();
    if (script.hangUp) {
      this.hangUp();
      throw new CallerHungUp();
    }
    if (script.error) throw script.error;
    if (!script.result) throw new Error('script without result');
    return script.result;
  }

  /** The PSP account each registration was for. */
  readonly registrationAccounts: string[] = [];

  async registerCard(
    _sessionId: string,
    key: string,
    pspAccountId: string,
    signal: AbortSignal,
  ): Promise<Registration> {
    if (signal.aborted) throw new CallerHungUp();
    this.registrations.push(key);
    this.registrationAccounts.push(pspAccountId);
    if (this.registration instanceof Error) throw this.registration;
    return this.registration;
  }

  async closeSession(_sessionId: string, reason: 'hangup' | 'completed'): Promise<void> {
    this.closed.push(reason);
  }
}

export class FakeAuthorization {
  readonly requests: AuthorizeRequest[] = [];
  readonly polls: string[] = [];
  /** Answers (or errors) of successive authorize calls; the last one repeats. */
  answers: Array<AuthorizationOutcome | Error> = [{ status: 'APPROVED', pspReference: 'pi_1' }];
  pollAnswers: AuthorizationOutcome[] = [];

  async authorize(request: AuthorizeRequest): Promise<AuthorizationOutcome> {
    this.requests.push(request);
    const answer = this.answers.length > 1 ? this.answers.shift() : this.answers[0];
    if (!answer) throw new Error('no answer');
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async getAuthorization(paymentId: string): Promise<AuthorizationOutcome> {
    this.polls.push(paymentId);
    return this.pollAnswers.shift() ?? { status: 'PENDING' };
  }
}

export class FakePayments {
  readonly codes: string[] = [];
  resolution: Resolution | Error = { kind: 'found', payment: PAYMENT };

  async resolveTransferCode(code: string): Promise<Resolution> {
    this.codes.push(code);
    if (this.resolution instanceof Error) throw this.resolution;
    return this.resolution;
  }
}

export class FakeLeg {
  readonly refers: string[] = [];
  hangups = 0;
  referResult: TransferResult = { outcome: 'succeeded', status: 200 };

  async refer(target: string): Promise<TransferResult> {
    this.refers.push(target);
    return this.referResult;
  }

  async hangup(): Promise<void> {
    this.hangups++;
  }
}

/**
 * The operator's leg as the dialogue sees it. `joins` says what happens when the dialogue asks for the
 * operator (assist or call back): bridged, or the operator could not join. `talk` is how the talk-on ends.
 */
export class FakeOperator implements OperatorLine {
  bridged = false;
  joins = true;
  talk: 'caller-hung-up' | 'operator-hung-up' | 'media-lost' = 'caller-hung-up';
  readonly assisted: string[] = [];
  readonly calledBack: string[] = [];
  readonly ended: string[] = [];
  talks = 0;
  private notice: OperatorNotice | undefined;
  private pending: OperatorNotice | undefined;

  assist(target: string): void {
    this.assisted.push(target);
    this.bridged = this.joins;
    if (!this.joins) this.pending = 'could-not-join';
  }

  /** A failure (or the operator's leaving) is known a moment later: from the next look on. */
  takeNotice(): OperatorNotice | undefined {
    const n = this.notice;
    this.notice = this.pending;
    this.pending = undefined;
    return n;
  }

  async callBack(target: string): Promise<boolean> {
    this.calledBack.push(target);
    this.bridged = this.joins;
    return this.joins;
  }

  /** The operator hangs up now (mid-call): the caller is told before the next step. */
  leaves(): void {
    this.bridged = false;
    this.notice = 'left';
  }

  async talkOn(): Promise<'caller-hung-up' | 'operator-hung-up' | 'media-lost'> {
    this.talks++;
    this.bridged = false;
    return this.talk;
  }

  async end(reason: 'CALLER_LEG_ENDED' | 'MEDIA_LOST'): Promise<void> {
    if (this.bridged) this.ended.push(reason);
    this.bridged = false;
  }
}

export class ManualClock {
  constructor(public time = Date.parse('2026-11-26T10:00:00Z')) {}
  readonly sleeps: number[] = [];
  now = () => this.time;
  sleep = async (ms: number, signal: AbortSignal) => {
    if (signal.aborted) throw new CallerHungUp();
    this.sleeps.push(ms);
    this.time += ms;
  };
}

/** Applies recorded commands to the real Call decider, as the event store would. */
export class RecordingCall {
  state: CallState = initialCallState();
  readonly events: CallEvent[] = [];
  readonly commands: CallCommand[] = [];
  /** What flush answers: false plays a database that refused some of the call's facts. */
  stored = true;

  constructor(callId = 'call-1') {
    this.record({
      type: 'AnswerCall',
      callId,
      sipCallId: 'sip-1',
      transport: 'UDP',
      transferCodeSource: 'request-uri',
    });
  }

  record = (command: CallCommand) => {
    this.commands.push(command);
    for (const e of decideCall(command, this.state)) {
      this.events.push(e);
      this.state = evolveCall(this.state, e);
    }
  };

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  last<K extends keyof CallEventPayloads>(type: K): CallEventPayloads[K] | undefined {
    const found = [...this.events].reverse().find((e) => e.type === type);
    return found?.data as CallEventPayloads[K] | undefined;
  }
}

export function fakes(config: Partial<DialogueConfig> = {}) {
  const vault = new FakeVault();
  const authorization = new FakeAuthorization();
  const payments = new FakePayments();
  const leg = new FakeLeg();
  const operator = new FakeOperator();
  const clock = new ManualClock();
  const call = new RecordingCall();
  const requests = new OperatorRequestInbox();
  /** What went to the operator's screen by the live channel (not stored). */
  const live: CaptureProgressedPayload[] = [];
  const deps: DialogueDeps = {
    vault,
    authorization,
    payments,
    leg,
    operator,
    requests,
    clock,
    config: { ...DEFAULT_DIALOGUE_CONFIG, ...config },
    record: call.record,
    live: (p) => live.push(p),
    flush: async () => call.stored,
  };
  return { vault, authorization, payments, leg, operator, requests, clock, call, live, deps };
}
