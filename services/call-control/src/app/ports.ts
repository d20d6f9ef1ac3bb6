// What the use cases of call-control need from the outside, as interfaces: adapters/grpc and
// adapters/pg implement them and main.ts wires them in. (The dialogue's own ports are in
// dialogue/ports.ts.)
import type { Direction, G711 } from '@ivr/sip';
import type { CallCommand, CallState } from '../call';
import type { VaultPort } from '../dialogue';
import type { OwnedCall } from '../recovery';

/** What the SDP offer says, for the vault to pick the codec and find the caller's RTP. */
export interface MediaOffer {
  callId: string;
  codec: 'PCMU' | 'PCMA';
  telephoneEventPayloadType: number | undefined;
  remote: { address: string; port: number };
  /**
   * SRTP (SDES): the offer's a=crypto values with an accepted suite, in its order; empty for plain RTP.
   * They are the caller's master keys: handed to the vault only, never logged, not kept.
   */
  crypto: string[];
}

export interface OpenedMedia {
  sessionId: string;
  address: string;
  port: number;
  /** SRTP: the vault's a=crypto value for the answer (its tag, suite and key for what it sends). */
  answerCrypto?: string;
}

/** The vault can honour none of the offer's a=crypto lines (MKI, malformed key, ...): the call gets 488. */
export class MediaRefused extends Error {}

/** The vault as a call uses it: a media session opened before the answer, then the dialogue's vault. */
export interface MediaPort extends VaultPort {
  open(offer: MediaOffer): Promise<OpenedMedia>;
}

/** The two legs of a bridged session: the caller's (whose keys are captured) and the operator's. */
export type Leg = 'caller' | 'operator';

/** The vault's side of the operator's leg: where its RTP is, and what to offer there. */
export interface OperatorLegMedia {
  address: string;
  port: number;
  /** Preferred first (the bridge transcodes between the legs: any may be chosen). */
  codecs: G711[];
  telephoneEventPayloadType: number | undefined;
}

/** What the vault tells about a session without being asked (WatchMediaSession). */
export type SessionEvent =
  /** The vault ended the operator's leg: no RTP from it for a while (the path broke, or it hung up unseen). */
  | { type: 'operator-leg-silent' }
  /** The session is over (closed, expired, silent caller, vault stopping): both legs are gone. */
  | { type: 'session-ended'; reason: string }
  /** The vault stopped answering for the session (restarted, or the session is unknown to it). */
  | { type: 'lost' };

/**
 * The vault's bridge of a session's two legs (agent-assisted mode, issue 15): the operator's leg is opened
 * on the caller's session, pointed at the operator's phone, held and resumed with either leg, closed.
 * Failures throw (MediaSessionLost when the session is gone).
 */
export interface BridgePort {
  openOperatorLeg(sessionId: string): Promise<OperatorLegMedia>;
  setLegRemote(
    sessionId: string,
    leg: Leg,
    remote: { address: string; port: number },
    codec?: { name: G711; telephoneEventPayloadType: number | undefined },
  ): Promise<void>;
  /** Our direction toward that leg after its re-INVITE (its sendonly hold is our recvonly). */
  setLegDirection(sessionId: string, leg: Leg, direction: Direction): Promise<void>;
  closeOperatorLeg(sessionId: string): Promise<void>;
  /** Reports what happens to the session until it ends or `signal` aborts. Never throws. */
  watch(sessionId: string, onEvent: (e: SessionEvent) => void, signal: AbortSignal): void;
}

/** Instances' heartbeats and the open calls with their owner's silence (adapters/pg/call-ownership). */
export interface CallOwnership {
  /** Refreshes this instance's heartbeat, with the lease it declares. */
  heartbeat(instanceId: string, staleAfterMs: number): Promise<void>;
  /** This instance stops: what it still owns is lost at once for the others. */
  retire(instanceId: string): Promise<void>;
  openCallsOfOthers(selfInstanceId: string, limit?: number): Promise<OwnedCall[]>;
  forgetCall(callId: string): Promise<void>;
  forgetDeadInstances(): Promise<number>;
}

/** Calls' streams as the lost-call sweeper reads and ends them (adapters/pg/call-streams). */
export interface CallStreams {
  /** The call's state and the version it was read at. */
  load(callId: string): Promise<{ state: CallState; version: number }>;
  /**
   * Records what `commands` decide on `state`, if the stream is still at `version` (with the open-calls
   * projection and the outbox); false when another writer came first.
   */
  appendAt(
    callId: string,
    read: { state: CallState; version: number },
    commands: CallCommand[],
    actor: string,
  ): Promise<boolean>;
}
