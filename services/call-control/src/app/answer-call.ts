// From an INVITE to a finished dialogue: find the transfer code (Request-URI user part, then the
// configured header, else the caller keys it), resolve it, open the vault's media session, answer
// with the vault's RTP address, run the dialogue, and make sure the call's events are stored. The
// operator's leg (agent-assisted mode, or the call-back of a refused REFER) is placed by the dialogue
// through an OperatorLeg on the same session; either leg's hold is followed by the vault.
import type { DialogueStep } from '@ivr/contracts';
import { type IncomingCall, parseNameAddr, parseSipUri } from '@ivr/sip';
import type { CallCommand } from '../call';
import {
  type Conclusion,
  type DialogueConfig,
  type DialogueDeps,
  type PaymentToCollect,
  runDialogue,
  ServiceUnavailable,
} from '../dialogue';
import { type Dialer, OperatorLeg } from './operator-leg';
import { type BridgePort, type MediaPort, MediaRefused, type OpenedMedia } from './ports';

export interface CallLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TransferCodeRules {
  /** What a transfer code looks like; a user part that does not match (e.g. "ivr") is not one. */
  pattern: RegExp;
  /** Header a PBX may put the code in (when the Request-URI cannot carry it). */
  header?: string;
}

export interface AnswerCallDeps extends Omit<DialogueDeps, 'vault' | 'leg' | 'operator' | 'record' | 'flush'> {
  vault: MediaPort;
  /** The vault's bridge of the caller's and the operator's legs. */
  bridge: BridgePort;
  /** Places the operator's leg (the SIP user agent). */
  dialer: Dialer;
  /** The operator's leg: where its INVITE goes first (SIP_OUTBOUND_PROXY), and how long it may ring. */
  operatorCalls: { outboundProxy?: string; ringTimeoutMs: number };
  config: DialogueConfig;
  transferCode: TransferCodeRules;
  newCallId: () => string;
  /** This process (a fresh id per start): the owner recorded on the call, for crash recovery. */
  instanceId: string;
  /** One recorder per call: queues commands for the Call aggregate and flushes at the end. */
  recorder: (callId: string) => { record: (c: CallCommand) => void; flush: () => Promise<boolean> };
  log: CallLogger;
  /**
   * Calls that hold a vault session without a payment (keying the code in, or told that their code is
   * unknown): a bounded number, so that INVITEs without a valid code cannot take the vault's sessions.
   */
  unresolved: UnresolvedCalls;
  /** Counts a call refused here (503; 488 when the vault could honour no a=crypto line), by reason. */
  refused: (reason: 'unresolved-calls' | 'srtp-crypto-refused') => void;
}

/** How many calls may hold a vault session before their transfer code resolved to a payment. */
export class UnresolvedCalls {
  private count = 0;

  constructor(
    readonly max: number,
    /** Retry-After of the 503 a call over the limit gets. */
    readonly retryAfterSeconds: number,
  ) {}

  get current(): number {
    return this.count;
  }

  tryAcquire(): (() => void) | undefined {
    if (this.count >= this.max) return undefined;
    this.count++;
    let released = false;
    return () => {
      if (!released) this.count--;
      released = true;
    };
  }
}

export function transferCodeOf(
  call: Pick<IncomingCall, 'user' | 'header'>,
  rules: TransferCodeRules,
): { code?: string; source: 'request-uri' | 'header' | 'keypad' } {
  if (call.user && rules.pattern.test(call.user)) return { code: call.user, source: 'request-uri' };
  const fromHeader = rules.header ? call.header(rules.header)?.trim() : undefined;
  if (fromHeader && rules.pattern.test(fromHeader)) return { code: fromHeader, source: 'header' };
  return { source: 'keypad' };
}

export async function answerCall(call: IncomingCall, deps: AnswerCallDeps): Promise<void> {
  const callId = deps.newCallId();
  const log = deps.log;
  const { code, source } = transferCodeOf(call, deps.transferCode);
  let sipEndReason: string | undefined;
  const hangup = new AbortController();
  call.once('ended', (reason) => {
    sipEndReason = reason;
    hangup.abort();
  });
  call.ringing();

  const start: { payment?: PaymentToCollect; transferCode?: string; conclusion?: Conclusion } = {};
  if (code) {
    try {
      const resolution = await deps.payments.resolveTransferCode(code, hangup.signal);
      if (resolution.kind === 'found') Object.assign(start, { payment: resolution.payment, transferCode: code });
      else start.conclusion = { kind: 'unknown-code' };
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) return; // the caller hung up while we looked
      log.warn({ call_id: callId, err: err.message }, 'transfer code could not be resolved');
      start.conclusion = { kind: 'unavailable', service: 'order-link' };
    }
  }

  // No vault session for a call without a payment beyond the bound (its code unknown, or to be keyed).
  let release = () => {};
  if (!start.payment) {
    const acquired = deps.unresolved.tryAcquire();
    if (!acquired) {
      deps.refused('unresolved-calls');
      log.warn({ call_id: callId, max: deps.unresolved.max }, 'too many calls without a payment: call declined');
      const retryAfter = { name: 'Retry-After', value: String(deps.unresolved.retryAfterSeconds) };
      call.reject(503, 'Service Unavailable (too many calls without a payment)', [retryAfter]);
      return;
    }
    release = acquired;
  }
  try {
    await collect(call, deps, { callId, code, source, start, hangup, sipEndReason: () => sipEndReason });
  } finally {
    release();
  }
}

interface Answering {
  callId: string;
  code: string | undefined;
  source: ReturnType<typeof transferCodeOf>['source'];
  start: { payment?: PaymentToCollect; transferCode?: string; conclusion?: Conclusion };
  hangup: AbortController;
  sipEndReason: () => string | undefined;
}

/**
 * The route of the calls the IVR places for this call (the operator's leg): the configured outbound
 * proxy; else the PBX that record-routed the caller's INVITE (its nearest entry, reduced to host, port and
 * transport); else none (straight to the operator address's host).
 */
export function outboundRoute(call: Pick<IncomingCall, 'dialog'>, outboundProxy: string | undefined): string[] {
  if (outboundProxy) return [outboundProxy];
  const nearest = call.dialog.routeSet[0];
  const uri = nearest ? parseSipUri(parseNameAddr(nearest)?.uri ?? '') : undefined;
  if (!uri) return [];
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  const transport = uri.params.get('transport');
  return [`${uri.scheme}:${host}${uri.port ? `:${uri.port}` : ''};lr${transport ? `;transport=${transport}` : ''}`];
}

/** Opens the vault's media session, answers with it, runs the dialogue and stores the call's events. */
async function collect(call: IncomingCall, deps: AnswerCallDeps, a: Answering): Promise<void> {
  const { callId, code, source, start, hangup } = a;
  const log = deps.log;
  let media: OpenedMedia;
  try {
    media = await deps.vault.open({
      callId,
      codec: call.codec.codec.name,
      telephoneEventPayloadType: call.codec.telephoneEvent?.payloadType,
      remote: call.codec.remote,
      crypto: call.takeOfferedCrypto(), // the call forgets the SRTP keys: the vault has the only copy
    });
  } catch (err) {
    if (err instanceof MediaRefused) {
      deps.refused('srtp-crypto-refused');
      log.warn({ call_id: callId, err: err.message }, 'no usable SRTP key in the offer: call declined');
      call.reject(488, 'Not Acceptable Here (no usable a=crypto)');
      return;
    }
    log.error({ call_id: callId, err: (err as Error).message }, 'no media session: call declined');
    call.reject(503, 'Media Unavailable');
    return;
  }
  const { answerCrypto } = media;
  try {
    await call.answer({
      address: media.address,
      port: media.port,
      ...(answerCrypto ? { proto: 'RTP/SAVP', attributes: [`crypto:${answerCrypto}`] } : {}),
    });
  } catch (err) {
    // CANCEL raced the answer, or the ACK never came: nothing was said or recorded. Still unanswered:
    // the vault's answer did not fit the offer (RTP/SAVP against RTP/AVP), a defect.
    if (call.state === 'offered') {
      log.error({ call_id: callId, err: (err as Error).message }, 'the media session does not fit the offer');
      call.reject(500, 'Media Mismatch');
    }
    await deps.vault.closeSession(media.sessionId, 'hangup');
    return;
  }

  const recorder = deps.recorder(callId);
  recorder.record({
    type: 'AnswerCall',
    callId,
    sipCallId: call.callId,
    transport: call.transport,
    ...(code ? { transferCode: code } : {}),
    transferCodeSource: source,
    instanceId: deps.instanceId,
  });
  log.info({ call_id: callId, sip_call_id: call.callId, payment_id: start.payment?.paymentId }, 'call answered');
  const referredBy = parseNameAddr(call.header('Referred-By') ?? '')?.uri;
  const operator = new OperatorLeg(
    {
      bridge: deps.bridge,
      dialer: deps.dialer,
      record: recorder.record,
      log,
      route: outboundRoute(call, deps.operatorCalls.outboundProxy),
      ringTimeoutMs: deps.operatorCalls.ringTimeoutMs,
    },
    { callId, sessionId: media.sessionId },
  );
  // The caller's hold (re-INVITE a=sendonly/inactive) and resume: the vault stops and starts sending.
  call.on('reinvite', (m) => void operator.followReinvite('caller', m.remote, m.direction));
  const end = await runDialogue(
    {
      ...deps,
      record: recorder.record,
      flush: () => recorder.flush(),
      leg: { refer: (target) => call.refer(target), hangup: () => call.hangup() },
      operator,
    },
    { callId, sessionId: media.sessionId, ...(referredBy ? { referredBy } : {}), sipEndReason: a.sipEndReason },
    hangup.signal,
    start,
    (err, step) => log.warn({ call_id: callId, step, err: (err as Error).message }, 'dialogue step failed'),
  );
  await recorder.flush();
  log.info({ call_id: callId, reason: end.reason, last_step: end.lastStep as DialogueStep }, 'call ended');
}
