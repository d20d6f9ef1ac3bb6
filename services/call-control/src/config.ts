// call-control's environment, read once at start-up. Only the SIP endpoint so far; the dialogue,
// gRPC clients and database join here as they are built.
import { bool, int, optional, readConfig, str } from '@ivr/config';
import type { SipUserAgentOptions } from './adapters/sip';

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      adminPort: int('ADMIN_PORT', { default: 9102, min: 0, max: 65535 }),
      sipHost: str('SIP_HOST', { default: '127.0.0.1' }),
      sipPort: int('SIP_PORT', { default: 5070, min: 0, max: 65535 }),
      sipTcp: bool('SIP_TCP', { default: true }),
      // What peers see in Via/Contact when the bind address is not reachable as is (0.0.0.0, NAT).
      sipAdvertisedHost: optional(str('SIP_ADVERTISED_HOST')),
      sipMaxMessageBytes: int('SIP_MAX_MESSAGE_BYTES', { default: 16_384, min: 1500, max: 65_535 }),
      sipRatePerSecond: int('SIP_RATE_PER_SECOND', { default: 200, min: 1 }),
      sipRateBurst: int('SIP_RATE_BURST', { default: 400, min: 1 }),
      sipReferTimeoutMs: int('SIP_REFER_TIMEOUT_MS', { default: 32_000, min: 1000 }),
      drainRetryAfterSeconds: int('SIP_DRAIN_RETRY_AFTER_SECONDS', { default: 30, min: 1 }),
      // How long SIGTERM waits for calls in progress before hanging them up.
      drainTimeoutMs: int('SIP_DRAIN_TIMEOUT_MS', { default: 600_000, min: 0 }),
    },
    env,
  );
}

export type Config = ReturnType<typeof loadConfig>;

export function sipOptions(config: Config): SipUserAgentOptions {
  return {
    host: config.sipHost,
    port: config.sipPort,
    tcp: config.sipTcp,
    advertisedHost: config.sipAdvertisedHost,
    maxMessageSize: config.sipMaxMessageBytes,
    rateLimit: { perSecond: config.sipRatePerSecond, burst: config.sipRateBurst },
    referTimeoutMs: config.sipReferTimeoutMs,
    drainRetryAfterSeconds: config.drainRetryAfterSeconds,
  };
}
