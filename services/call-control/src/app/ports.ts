// What the use cases of call-control need from the outside, as interfaces: adapters/grpc and
// adapters/pg implement them and main.ts wires them in. (The dialogue's own ports are in
// dialogue/ports.ts.)
import type { CallCommand, CallState } from '../call';
import type { VaultPort } from '../dialogue';
import type { OwnedCall } from '../recovery';

/** What the SDP offer says, for the vault to pick the codec and find the caller's RTP. */
export interface MediaOffer {
  callId: string;
  codec: 'PCMU' | 'PCMA';
  telephoneEventPayloadType: number | undefined;
  remote: { address: string; port: number };
}

export interface OpenedMedia {
  sessionId: string;
  address: string;
  port: number;
}

/** The vault as a call uses it: a media session opened before the answer, then the dialogue's vault. */
export interface MediaPort extends VaultPort {
  open(offer: MediaOffer): Promise<OpenedMedia>;
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
