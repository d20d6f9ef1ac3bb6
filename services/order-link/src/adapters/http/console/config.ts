import { bool, int, list, readConfig, str, url } from '@ivr/config';
import { parseKeyring } from '@ivr/secret-box';
import { ROLES, type Role } from '../../../operators/operator';

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
    // PCI DSS v4 8.2.8: a session idle for more than 15 minutes needs the operator to sign in again.
    sessionIdleMinutes: int('CONSOLE_SESSION_IDLE_MINUTES', { default: 15, min: 1, max: 15 }),
    // PCI DSS v4 8.3.4: locked after at most 10 failed attempts, for at least 30 minutes.
    lockoutFailures: int('CONSOLE_LOCKOUT_FAILURES', { default: 5, min: 1, max: 10 }),
    lockoutMinutes: int('CONSOLE_LOCKOUT_MINUTES', { default: 30, min: 30, max: 24 * 60 }),
    // Roles that sign in with a second factor (TOTP, PCI DSS v4 8.4): admins and supervisors always;
    // add `operator` to ask everyone.
    mfaRoles: list('CONSOLE_MFA_ROLES', { default: ['admin', 'supervisor'] }),
    // The name authenticator apps show beside the account.
    totpIssuer: str('CONSOLE_TOTP_ISSUER', { default: 'IVR payments' }),
    // Keys that seal the operators' TOTP secrets at rest (@ivr/secret-box: id:base64key, the first
    // seals, all open; a Secret in the chart). Rotation: docs/runbook.md.
    totpKeys: str('OPERATOR_TOTP_KEYS'),
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
  const roles = config.mfaRoles.map((r) => r.trim().toLowerCase());
  if (
    !roles.every((r) => (ROLES as readonly string[]).includes(r)) ||
    !roles.includes('admin') ||
    !roles.includes('supervisor')
  )
    throw new Error(
      `CONSOLE_MFA_ROLES must list admin and supervisor, and may add operator (roles: ${ROLES.join(', ')})`,
    );
  parseKeyring(config.totpKeys, 'OPERATOR_TOTP_KEYS'); // a malformed keyring stops the start, naming no key
  return { ...config, mfaRoles: roles as Role[] };
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
