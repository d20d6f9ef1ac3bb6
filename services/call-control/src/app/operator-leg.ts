// The operator's leg of a call (issue 15): in agent-assisted mode the IVR calls the payment's operator
// address as soon as it has answered the caller, with SDP naming the vault's operator leg, and the vault
// bridges the two (masking the caller's keypad tones toward the operator while a card field is keyed).
// The same leg is the call-back when the PBX refuses the hand-back REFER. It records the leg's life on
// the Call (answered, failed with the reason, ended), follows either leg's hold in the vault, and ends
// with either side: the operator's BYE leaves the caller in an IVR-only call (a capture goes on, and the
// caller hears that the operator left before the next step); the caller's end, or the vault losing the session, ends the operator's leg.
import type { OperatorLegEndReason, OperatorLegFailure, OperatorLegPurpose } from '@ivr/contracts';
import type { DialFailure, DialOptions, Direction, OutgoingCall, OutgoingEndReason } from '@ivr/sip';
import type { CallCommand } from '../call';
import type { OperatorLine, OperatorNotice } from '../dialogue';
import type { CallLogger } from './answer-call';
import type { BridgePort, Leg, SessionEvent } from './ports';

/** Places calls (the SIP user agent's dial). */
export interface Dialer {
  dial(options: DialOptions): OutgoingCall;
}

export interface OperatorLegDeps {
  bridge: BridgePort;
  dialer: Dialer;
  record: (command: CallCommand) => void;
  log: CallLogger;
  /** Preloaded route of the INVITE (the PBX first); empty: straight to the target's host. */
  route: readonly string[];
  ringTimeoutMs: number;
}

type Status = 'idle' | 'placing' | 'bridged' | 'failed' | 'ended';
type TalkEnd = 'caller-hung-up' | 'operator-hung-up' | 'media-lost';

const FAILURE: Record<DialFailure, OperatorLegFailure> = {
  'no-answer': 'NO_ANSWER',
  busy: 'BUSY',
  rejected: 'REJECTED',
  unreachable: 'UNREACHABLE',
  cancelled: 'CALLER_HUNG_UP',
};

export class OperatorLeg implements OperatorLine {
  private status: Status = 'idle';
  private call: OutgoingCall | undefined;
  private placing: Promise<boolean> | undefined;
  private notice: OperatorNotice | undefined;
  private purpose: OperatorLegPurpose | undefined;
  private callerGone = false;
  private readonly watching = new AbortController();
  private readonly talkEnded: Array<(end: TalkEnd) => void> = [];

  constructor(
    private readonly d: OperatorLegDeps,
    private readonly call_: { callId: string; sessionId: string },
  ) {}

  get bridged(): boolean {
    return this.status === 'bridged';
  }

  /** Agent-assisted: calls the operator at once; the dialogue goes on meanwhile (told if it fails). */
  assist(target: string): void {
    if (this.status === 'idle') void this.place(target, 'AGENT_ASSISTED');
  }

  takeNotice(): OperatorNotice | undefined {
    const told = this.notice;
    this.notice = undefined;
    return told;
  }

  async callBack(target: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted || this.status === 'placing' || this.status === 'bridged') return this.bridged;
    const stop = () => void this.end('CALLER_LEG_ENDED');
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await this.place(target, 'CALL_BACK');
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  talkOn(callerGone: AbortSignal): Promise<TalkEnd> {
    if (this.status !== 'bridged') return Promise.resolve('operator-hung-up');
    return new Promise<TalkEnd>((resolve) => {
      const onCaller = () => {
        void this.end('CALLER_LEG_ENDED').then(() => resolve('caller-hung-up'));
      };
      if (callerGone.aborted) return onCaller();
      callerGone.addEventListener('abort', onCaller, { once: true });
      this.talkEnded.push((end) => {
        callerGone.removeEventListener('abort', onCaller);
        resolve(end);
      });
    });
  }

  async end(reason: 'CALLER_LEG_ENDED' | 'MEDIA_LOST'): Promise<void> {
    this.callerGone = true;
    if (this.status === 'placing') {
      this.call?.cancel();
      await this.placing;
    }
    if (this.status === 'bridged') {
      this.status = 'ended';
      const call = this.call;
      await call?.hangup();
      if (reason !== 'MEDIA_LOST') await this.closeVaultLeg();
      this.d.record({ type: 'RecordOperatorLegEnded', reason, sipEndReason: 'local-hangup' });
      this.finishTalk(reason === 'MEDIA_LOST' ? 'media-lost' : 'caller-hung-up');
    }
    this.watching.abort();
  }

  /** Opens the vault's leg, calls `target` with it and bridges the answer; false when it did not happen. */
  private place(target: string, purpose: OperatorLegPurpose): Promise<boolean> {
    this.status = 'placing';
    this.purpose = purpose;
    this.placing = this.setUp(target, purpose).catch((err: Error) => {
      this.d.log.error({ call_id: this.call_.callId, err: err.message }, 'operator leg failed');
      return false;
    });
    return this.placing;
  }

  private async setUp(target: string, purpose: OperatorLegPurpose): Promise<boolean> {
    const { sessionId, callId } = this.call_;
    const failed = (reason: OperatorLegFailure, sipStatus?: number): false => {
      this.status = 'failed';
      this.d.record({ type: 'RecordOperatorLegFailed', purpose, target, reason, ...(sipStatus ? { sipStatus } : {}) });
      this.d.log.warn({ call_id: callId, purpose, reason, sip_status: sipStatus }, 'the operator could not join');
      // The caller of an agent-assisted call hears that the operator could not join (a call-back's caller
      // hears that the operator will call back instead).
      if (purpose === 'AGENT_ASSISTED' && !this.callerGone) this.notice = 'could-not-join';
      return false;
    };
    let media: Awaited<ReturnType<BridgePort['openOperatorLeg']>>;
    try {
      media = await this.d.bridge.openOperatorLeg(sessionId);
    } catch (err) {
      this.d.log.warn({ call_id: callId, err: (err as Error).message }, 'no operator leg at the vault');
      return failed(this.callerGone ? 'CALLER_HUNG_UP' : 'MEDIA_UNAVAILABLE');
    }
    if (this.callerGone) {
      await this.closeVaultLeg();
      return failed('CALLER_HUNG_UP');
    }
    this.watch();
    const call = this.d.dialer.dial({
      target,
      media: { address: media.address, port: media.port },
      codecs: media.codecs,
      ...(media.telephoneEventPayloadType !== undefined
        ? { telephoneEventPayloadType: media.telephoneEventPayloadType }
        : {}),
      route: this.d.route,
      ringTimeoutMs: this.d.ringTimeoutMs,
    });
    this.call = call;
    const outcome = await call.outcome;
    if (!outcome.answered) {
      await this.closeVaultLeg();
      return failed(this.callerGone ? 'CALLER_HUNG_UP' : FAILURE[outcome.failure], outcome.status);
    }
    try {
      const { remote, codec, telephoneEvent } = outcome.media;
      await this.d.bridge.setLegRemote(sessionId, 'operator', remote, {
        name: codec.name,
        telephoneEventPayloadType: telephoneEvent?.payloadType,
      });
      if (outcome.media.direction !== 'sendrecv') await this.direction('operator', outcome.media.direction);
    } catch (err) {
      this.d.log.warn({ call_id: callId, err: (err as Error).message }, 'the vault could not bridge the operator');
      await call.hangup();
      await this.closeVaultLeg();
      return failed('MEDIA_UNAVAILABLE');
    }
    if (this.callerGone) {
      await call.hangup();
      await this.closeVaultLeg();
      return failed('CALLER_HUNG_UP');
    }
    this.status = 'bridged';
    this.d.record({ type: 'RecordOperatorLegAnswered', purpose, target, sipCallId: call.callId });
    this.d.log.info({ call_id: callId, purpose, operator_sip_call_id: call.callId }, 'operator bridged');
    call.on('reinvite', (m) => {
      const codec = { name: m.codec.name, telephoneEventPayloadType: m.telephoneEvent?.payloadType };
      void this.d.bridge
        .setLegRemote(sessionId, 'operator', m.remote, codec)
        .then(() => this.direction('operator', m.direction))
        .catch((err: Error) =>
          this.d.log.warn({ call_id: callId, err: err.message }, 'operator re-INVITE not followed'),
        );
    });
    call.once('ended', (reason) => void this.operatorEnded(reason));
    return true;
  }

  /** The operator's phone hung up (or its leg's transport went): the caller goes on alone. */
  private async operatorEnded(sipReason: OutgoingEndReason): Promise<void> {
    if (this.status !== 'bridged') return;
    this.status = 'ended';
    const reason: OperatorLegEndReason = sipReason === 'remote-bye' ? 'OPERATOR_HUNG_UP' : 'SHUTDOWN';
    this.d.record({ type: 'RecordOperatorLegEnded', reason, sipEndReason: sipReason });
    this.d.log.info({ call_id: this.call_.callId, reason }, 'operator left the call');
    this.toldLeft();
    await this.closeVaultLeg();
    this.finishTalk('operator-hung-up');
  }

  /** What the vault tells: the operator's leg went silent, or the session (and both legs) went. */
  private watch(): void {
    this.d.bridge.watch(this.call_.sessionId, (e: SessionEvent) => void this.onSessionEvent(e), this.watching.signal);
  }

  private async onSessionEvent(e: SessionEvent): Promise<void> {
    if (this.status !== 'bridged') return;
    if (e.type === 'operator-leg-silent') {
      this.status = 'ended';
      await this.call?.hangup();
      this.d.record({ type: 'RecordOperatorLegEnded', reason: 'NO_MEDIA', sipEndReason: 'local-hangup' });
      this.toldLeft();
      this.finishTalk('operator-hung-up');
      return;
    }
    // The session is gone with both legs (a vault restart): the operator's leg is ended here, the
    // caller's by the dialogue (its next request to the vault fails, or talkOn answers media-lost).
    this.status = 'ended';
    await this.call?.hangup();
    this.d.record({ type: 'RecordOperatorLegEnded', reason: 'MEDIA_LOST', sipEndReason: 'local-hangup' });
    this.d.log.warn({ call_id: this.call_.callId, event: e.type }, 'the vault lost the bridged session');
    this.finishTalk('media-lost');
  }

  /** A leg's re-INVITE (hold, resume): the vault sends and expects RTP as our answer said. */
  async followReinvite(leg: Leg, remote: { address: string; port: number }, direction: Direction): Promise<void> {
    const { sessionId, callId } = this.call_;
    try {
      await this.d.bridge.setLegRemote(sessionId, leg, remote);
      await this.direction(leg, direction);
    } catch (err) {
      this.d.log.warn({ call_id: callId, leg, err: (err as Error).message }, 're-INVITE not followed by the vault');
    }
  }

  private direction(leg: Leg, direction: Direction): Promise<void> {
    return this.d.bridge.setLegDirection(this.call_.sessionId, leg, direction);
  }

  private async closeVaultLeg(): Promise<void> {
    await this.d.bridge.closeOperatorLeg(this.call_.sessionId).catch(() => {});
  }

  /**
   * The operator of an agent-assisted call went before the hand-back (mid-capture, say): the caller hears
   * so before the next step. Not once they talk on after the result (that is the call's normal end).
   */
  private toldLeft(): void {
    if (this.purpose === 'AGENT_ASSISTED' && !this.callerGone && this.talkEnded.length === 0) this.notice = 'left';
  }

  private finishTalk(end: TalkEnd): void {
    for (const resolve of this.talkEnded.splice(0)) resolve(end);
  }
}
