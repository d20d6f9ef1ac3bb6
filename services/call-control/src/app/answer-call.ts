// From an INVITE to a finished dialogue: find the transfer code (Request-URI user part, then the
// configured header, else the caller keys it), resolve it, open the vault's media session, answer
// with the vault's RTP address, run the dialogue, and make sure the call's events are stored.
import type { DialogueStep } from '@ivr/contracts';
import { type IncomingCall, parseNameAddr } from '@ivr/sip';
import type { CallCommand } from '../call';
import {
  type Conclusion,
  type DialogueConfig,
  type DialogueDeps,
  type PaymentToCollect,
  runDialogue,
  ServiceUnavailable,
} from '../dialogue';
import type { MediaPort, OpenedMedia } from './ports';

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

export interface AnswerCallDeps extends Omit<DialogueDeps, 'vault' | 'leg' | 'record' | 'flush'> {
  vault: MediaPort;
  config: DialogueConfig;
  transferCode: TransferCodeRules;
  newCallId: () => string;
  /** This process (a fresh id per start): the owner recorded on the call, for crash recovery. */
  instanceId: string;
  /** One recorder per call: queues commands for the Call aggregate and flushes at the end. */
  recorder: (callId: string) => { record: (c: CallCommand) => void; flush: () => Promise<boolean> };
  log: CallLogger;
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

  let media: OpenedMedia;
  try {
    media = await deps.vault.open({
      callId,
      codec: call.codec.codec.name,
      telephoneEventPayloadType: call.codec.telephoneEvent?.payloadType,
      remote: call.codec.remote,
    });
  } catch (err) {
    log.error({ call_id: callId, err: (err as Error).message }, 'no media session: call declined');
    call.reject(503, 'Media Unavailable');
    return;
  }
  try {
    await call.answer({ address: media.address, port: media.port });
  } catch {
    // CANCEL raced the answer, or the ACK never came: nothing was said or recorded.
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
  const end = await runDialogue(
    {
      ...deps,
      record: recorder.record,
      flush: () => recorder.flush(),
      leg: { refer: (target) => call.refer(target), hangup: () => call.hangup() },
    },
    { callId, sessionId: media.sessionId, ...(referredBy ? { referredBy } : {}), sipEndReason: () => sipEndReason },
    hangup.signal,
    start,
    (err, step) => log.warn({ call_id: callId, step, err: (err as Error).message }, 'dialogue step failed'),
  );
  await recorder.flush();
  log.info({ call_id: callId, reason: end.reason, last_step: end.lastStep as DialogueStep }, 'call ended');
}
