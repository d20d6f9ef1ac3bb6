// The SIP layer's public surface for the dialogue engine and main.ts.

export type { CodecChoice, MediaEndpoint, SessionDescription } from '../../sdp';
export { type CallState, type EndReason, IncomingCall, type IncomingCallEvents } from './call';
export type { NameAddr, SipUri } from './header-values';
export { parseNameAddr, parseSipUri } from './header-values';
export { type SipLogger, silentLogger } from './logger';
export type { RateLimit } from './rate-limiter';
export type { TransferOutcome } from './refer';
export { DEFAULT_TIMER_VALUES, type TimerService, type TimerValues } from './transactions/timers';
export { type SipStats, SipUserAgent, type SipUserAgentEvents, type SipUserAgentOptions } from './user-agent';
