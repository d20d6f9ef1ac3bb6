import { parseKeyring } from '@ivr/secret-box';
import type { Pool } from 'pg';
import { OperatorsApp } from '../../../app/operators-app';
import type { Core } from '../../../wiring';
import { cryptoRandom } from '../../../wiring';
import { ConsoleQueries } from '../../pg/console-queries';
import { OperatorStore, SessionStore } from '../../pg/operator-store';
import type { ConsoleConfig } from './config';
import { NotificationClient } from './notification-client';
import type { ConsoleApiDeps } from './router';

/** The operator side of order-link, built from the core: what the CLI and the HTTP console share. */
export function buildOperators(
  core: Core,
  pool: Pool,
  schema: string,
  config: Pick<ConsoleConfig, 'sessionTtlMinutes' | 'sessionIdleMinutes' | 'lockoutFailures' | 'lockoutMinutes'> &
    Partial<Pick<ConsoleConfig, 'mfaRoles' | 'totpIssuer' | 'totpKeys'>>,
) {
  const operatorStore = new OperatorStore(core.store, pool);
  const sessions = new SessionStore(pool, schema);
  const operators = new OperatorsApp(
    operatorStore,
    sessions,
    core.clock,
    cryptoRandom,
    {
      maxFailures: config.lockoutFailures,
      lockMs: config.lockoutMinutes * 60_000,
      sessionTtlMs: config.sessionTtlMinutes * 60_000,
      sessionIdleMs: config.sessionIdleMinutes * 60_000,
      mfaRoles: config.mfaRoles ?? ['admin', 'supervisor'],
      totpIssuer: config.totpIssuer ?? 'IVR payments',
    },
    // The CLI has no keyring: it creates, unlocks and resets, and never reads a second factor.
    config.totpKeys ? parseKeyring(config.totpKeys, 'OPERATOR_TOTP_KEYS') : undefined,
  );
  return { operatorStore, sessions, operators };
}

export function buildConsoleDeps(
  core: Core,
  pool: Pool,
  schema: string,
  config: ConsoleConfig,
  logger: ConsoleApiDeps['logger'],
): { deps: ConsoleApiDeps; stop: () => void } {
  const { operators, sessions } = buildOperators(core, pool, schema, config);
  // Expired sessions are refused on read anyway; this only keeps the table small.
  const sweep = setInterval(() => {
    sessions
      .deleteExpired(core.clock.now())
      .catch((err: Error) => logger.warn({ err: err.message }, 'session sweep failed'));
  }, 10 * 60_000);
  sweep.unref();
  return {
    deps: {
      config,
      operators,
      payments: core.paymentsApp,
      operations: core.operations,
      apiKeys: core.apiKeys,
      queries: new ConsoleQueries(pool, schema),
      audit: core.audit,
      webhooks: core.routeDeps.webhooks,
      notification: new NotificationClient(config.notificationUrl),
      clock: core.clock,
      logger,
    },
    stop: () => clearInterval(sweep),
  };
}
