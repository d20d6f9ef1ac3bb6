// @ivr/sip: a SIP user agent server (RFC 3261 over UDP and TCP, RFC 3515 REFER, RFC 3264 offer/answer)
// and the message, SDP and framing code it is built of, for call-control, benchmarks and fuzzers.

// The user agent: what a service uses.
export {
  type DigestAlgorithm,
  type DigestOptions,
  digestResponse,
  parseCidr,
  parseDigestCredentials,
  REFUSAL_REASONS,
  type RefusalReason,
} from './admission';
export { type CallState, type EndReason, IncomingCall, type IncomingCallEvents } from './call';
export type { NameAddr, SipUri } from './header-values';
export { parseNameAddr, parseSipUri } from './header-values';
export { type SipLogger, silentLogger } from './logger';
// Messages on the wire: load generators and fuzzers build and read them with the stack's own code.
export {
  header,
  headerValues,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from './message';
export {
  type DialFailure,
  type DialOptions,
  type DialOutcome,
  OutgoingCall,
  type OutgoingCallEvents,
  type OutgoingEndReason,
} from './outgoing-call';
export { DEFAULT_PARSE_LIMITS, type ParseLimits, type ParseResult, parseMessage } from './parser';
export type { RateLimit } from './rate-limiter';
export type { TransferOutcome } from './refer';
export { createResponse } from './responses';
// SDP offer/answer (parseSdp, negotiate, buildAnswer and their types).
export * from './sdp';
export { serialize } from './serializer';
export { type FrameResult, StreamFramer } from './stream-framer';
export { DEFAULT_TIMER_VALUES, type TimerService, type TimerValues } from './transactions/timers';
export type { SipTlsOptions } from './transport';
export { type SipStats, SipUserAgent, type SipUserAgentEvents, type SipUserAgentOptions } from './user-agent';
