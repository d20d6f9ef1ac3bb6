import { bool, int, readConfig, str, url } from '@ivr/config';

/** The console's variables (tools/k8s checks the Helm chart against them). */
export function consoleConfigSpec() {
  return {
    // Shown to operators as the transfer target; the PBX dials it with the transfer code.
    ivrSipAddress: str('IVR_SIP_ADDRESS', { default: 'sip:ivr@127.0.0.1:5070' }),
    // Order system that payments entered in the console belong to.
    orderSystem: str('CONSOLE_ORDER_SYSTEM', { default: 'console' }),
    notificationUrl: url('NOTIFICATION_URL', { default: 'http://127.0.0.1:8085', protocols: ['http', 'https'] }),
    // Shared with notification: signs the operators' live-stream tokens.
    operatorTokenSecret: str('OPERATOR_TOKEN_SECRET'),
    sessionTtlMinutes: int('CONSOLE_SESSION_TTL_MINUTES', { default: 12 * 60, min: 5, max: 7 * 24 * 60 }),
    sessionIdleMinutes: int('CONSOLE_SESSION_IDLE_MINUTES', { default: 60, min: 1, max: 24 * 60 }),
    lockoutFailures: int('CONSOLE_LOCKOUT_FAILURES', { default: 5, min: 1, max: 100 }),
    lockoutMinutes: int('CONSOLE_LOCKOUT_MINUTES', { default: 15, min: 1, max: 24 * 60 }),
    // Sign-in attempts a minute from one source address, counted before any password is hashed
    // (scrypt costs 32 MiB and tens of ms); each replica counts its own. 0 = no limit.
    signInRateLimitPerSource: int('CONSOLE_SIGNIN_RATE_LIMIT_PER_SOURCE', { default: 30, min: 0, max: 10_000 }),
    // Development only: the session cookie lacks Secure on requests that came over plain http (the
    // console at http://127.0.0.1:8080). Off: it is always Secure. Refused with NODE_ENV=production.
    allowPlainHttp: bool('CONSOLE_ALLOW_PLAIN_HTTP', { default: false }),
  };
}

/** The console's settings, read once with the rest of order-link's configuration. */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(consoleConfigSpec(), env);
  if (config.allowPlainHttp && env.NODE_ENV === 'production')
    throw new Error('CONSOLE_ALLOW_PLAIN_HTTP is for development only; it cannot be on with NODE_ENV=production');
  return config;
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
