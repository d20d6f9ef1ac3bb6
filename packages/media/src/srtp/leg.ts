// What a media leg does to its RTP on the way in and out: nothing (plain RTP), or SRTP with the keys
// of an SDES offer/answer (one SrtpReceiver for the peer's key, one SrtpSender for ours). The vault's
// intake and playout, and the agent-assisted bridge's legs, each hold one, so a transform never needs
// to know whether its leg is encrypted.
import { inspect } from 'node:util';
import { looksLikeRtcp, SrtpReceiver, SrtpSender, type UnprotectResult } from './crypto-context';
import type { SrtpMasterKey } from './master-key';
import type { SrtpSuite } from './suites';

export type RtpProtectionDropReason = Exclude<UnprotectResult, { ok: true }>['reason'] | 'rtcp';

export interface RtpProtection {
  readonly kind: 'rtp' | 'srtp';
  /**
   * Checks one received datagram and makes it plain RTP in place: `length` is the RTP packet's at the
   * start of the datagram. RTCP (rtcp-mux) is reported as such, not decrypted: the vault ignores RTCP.
   */
  unprotect(datagram: Uint8Array): { ok: true; length: number } | { ok: false; reason: RtpProtectionDropReason };
  /** The datagram to send for one RTP packet (the packet itself for plain RTP, a new buffer for SRTP). */
  protect(packet: Buffer): Buffer;
  /** Overwrites every key; the leg sends and receives nothing afterwards. */
  wipe(): void;
}

/** A leg without SRTP. */
export const PLAIN_RTP: RtpProtection = {
  kind: 'rtp',
  unprotect: (datagram) => ({ ok: true, length: datagram.length }),
  protect: (packet) => packet,
  wipe: () => {},
};

/** A leg with SRTP: the peer's master key for what arrives, ours for what leaves. */
export class SrtpLeg implements RtpProtection {
  readonly kind = 'srtp';
  readonly receiver: SrtpReceiver;
  readonly sender: SrtpSender;

  /** Derives the session keys and wipes both master keys (key derivation rate 0: they are not needed again). */
  constructor(inbound: SrtpMasterKey, outbound: SrtpMasterKey) {
    try {
      if (inbound.suite !== outbound.suite) throw new RangeError('both directions of a leg use the same suite');
      this.receiver = new SrtpReceiver(inbound);
      this.sender = new SrtpSender(outbound);
    } finally {
      inbound.wipe();
      outbound.wipe();
    }
  }

  get suite(): SrtpSuite {
    return this.receiver.suite;
  }

  unprotect(datagram: Uint8Array): { ok: true; length: number } | { ok: false; reason: RtpProtectionDropReason } {
    if (looksLikeRtcp(datagram)) return { ok: false, reason: 'rtcp' };
    return this.receiver.unprotectRtp(datagram);
  }

  protect(packet: Buffer): Buffer {
    return this.sender.protectRtp(packet);
  }

  wipe(): void {
    this.receiver.wipe();
    this.sender.wipe();
  }

  toJSON(): string {
    return `SrtpLeg(${this.suite})`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}
