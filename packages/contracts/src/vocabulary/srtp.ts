import { oneOf } from './one-of';

/**
 * The SRTP crypto suites (RFC 4568 §6.2: the names an SDP `a=crypto` line carries) that the vault
 * terminates, in the order it prefers them: call-control accepts `RTP/SAVP` offers naming one of them
 * (`SIP_SRTP_SUITES`), @ivr/media implements each. A new suite is a value here; the compiler then asks
 * for its parameters in @ivr/media's suite table.
 */
export const SRTP_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;
export type SrtpSuite = (typeof SRTP_SUITES)[number];
export const isSrtpSuite = oneOf(SRTP_SUITES);
