// What each SRTP crypto suite of @ivr/contracts' SRTP_SUITES means (RFC 4568 §6.2.1, §6.2.2): AES-128 in
// counter mode and HMAC-SHA1, with the SRTP authentication tag cut to 80 or 32 bits. SRTCP always
// carries an 80-bit tag, and both suites have a 128-bit master key and a 112-bit master salt.
import type { SrtpSuite } from '@ivr/contracts/vocabulary';

export { isSrtpSuite, SRTP_SUITES } from '@ivr/contracts/vocabulary';
export type { SrtpSuite };

export interface SuiteParameters {
  /** Master key and session encryption key, bytes. */
  keyLength: number;
  /** Master salt and session salt, bytes. */
  saltLength: number;
  /** Session authentication key (HMAC-SHA1), bytes. */
  authKeyLength: number;
  /** Authentication tag of an SRTP packet, bytes. */
  rtpTagLength: number;
  /** Authentication tag of an SRTCP packet, bytes. */
  rtcpTagLength: number;
  /** Default master key lifetime: packets an SRTP stream may protect with one master key (2^48). */
  maxPackets: number;
}

export const SUITES: Record<SrtpSuite, SuiteParameters> = {
  AES_CM_128_HMAC_SHA1_80: {
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
    maxPackets: 2 ** 48,
  },
  AES_CM_128_HMAC_SHA1_32: {
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
    maxPackets: 2 ** 48,
  },
};
