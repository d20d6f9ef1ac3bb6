// Fakes of the dialogue's ports for unit tests: a scripted vault, authorization and order-link,
// a caller leg, a manual clock, and a recorder that runs the real Call decider over what the
// dialogue records (so tests read the events the call would publish).
import type { CallEventPayloads, MaskedCard } from '@ivr/contracts';
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
};

/** One capture as the vault would run it: updates, then a result (or a thrown error). */
export type CaptureScript = { updates?: CaptureUpdate[]; result?: CaptureResult; error?: Error; hangUp?: boolean };

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
    if (script.hangUp) {
      this.hangUp();
      throw new CallerHungUp();
    }
    if (script.error) throw script.error;
    if (!script.result) throw new Error('script without result');
    return script.result;
  }

  async registerCard(_sessionId: string, key: string, signal: AbortSignal): Promise<Registration> {
    if (signal.aborted) throw new CallerHungUp();
    this.registrations.push(key);
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
  const clock = new ManualClock();
  const call = new RecordingCall();
  const deps: DialogueDeps = {
    vault,
    authorization,
    payments,
    leg,
    clock,
    config: { ...DEFAULT_DIALOGUE_CONFIG, ...config },
    record: call.record,
    flush: async () => call.stored,
  };
  return { vault, authorization, payments, leg, clock, call, deps };
}
