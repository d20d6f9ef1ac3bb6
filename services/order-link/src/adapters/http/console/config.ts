import { int, readConfig, str, url } from '@ivr/config';

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
  };
}

/** The console's settings, read once with the rest of order-link's configuration. */
export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(consoleConfigSpec(), env);
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
