import { createLogger, type Logger } from '@ivr/logging';
import { startTelemetry, type Telemetry } from '@ivr/telemetry';
import {
  type AdminState,
  closeServer,
  createAdminServer,
  listenOn,
  type Phase,
  type ReadinessCheck,
} from './admin-server';
import { describeError } from './describe-error';
import { loadOrExit } from './load-or-exit';
import { isMigrateCommand, type ServiceMigrations } from './migrations';
import { RetryExhaustedError, retry } from './retry';

export type StopHook = () => Promise<void> | void;

/** What a service's start function gets to build itself with. */
export interface ServiceContext<Config = unknown, Database = unknown> {
  readonly service: string;
  /** What the `config` option read (undefined without one). */
  readonly config: Config;
  /** What the `migrations` option opened: the service's migrated database (undefined without one). */
  readonly database: Database;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** Aborted as soon as the service begins to stop; pass it to loops and long waits. */
  readonly signal: AbortSignal;
  /** Registers something to stop; hooks run in reverse order of registration, each with a timeout. */
  onStop(name: string, hook: StopHook): void;
  /** /readyz answers 503 while any check returns false or throws. */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Take the service out of (or back into) rotation without stopping it. */
  setDraining(draining: boolean): void;
  /**
   * A part of the service failed for good (e.g. a Kafka consumer its client gave up on): stop
   * gracefully and exit 1, so that the orchestrator starts a fresh process rather than a live one
   * that no longer works.
   */
  fail(reason: string): void;
}

/** A number, or one read from the configuration. */
type FromConfig<Config> = number | ((config: Config) => number);

export interface RunServiceOptions<Config = undefined, Database = undefined> {
  service: string;
  version?: string;
  /**
   * Reads the configuration once, before anything starts (not for `main.js migrate`, which needs only
   * the database settings): a throw (ConfigError) is one fatal line and exit 1. Then `ctx.config`.
   */
  config?: () => Config;
  /**
   * The service's database (@ivr/eventstore's `serviceMigrations({ dir, settings })`): `main.js migrate`
   * applies the migrations and exits; otherwise each start attempt first connects, checks and migrates
   * it, and `start` finds it in `ctx.database`.
   */
  migrations?: ServiceMigrations<Database>;
  /** Port of the admin HTTP server (/healthz, /readyz, /metrics); 0 picks a free one. */
  adminPort: FromConfig<Config>;
  /** Default 0.0.0.0 so that probes from outside the host (kubelet) reach it. */
  adminHost?: string;
  /** Builds and starts the service; throwing means "not now": it is retried with backoff. */
  start(ctx: ServiceContext<Config, Database>): Promise<void> | void;
  /** Budget for the whole graceful stop after SIGTERM; beyond it the process exits 1. Default 20 000. */
  drainTimeoutMs?: FromConfig<Config>;
  /** How long /readyz shows 503 before the stop hooks begin, so load balancers notice. Default 0. */
  drainDelayMs?: number;
  /** Budget per stop hook. Default 5 000. */
  hookTimeoutMs?: FromConfig<Config>;
  /** Tries of start before giving up with exit 1. Default 5. */
  startAttempts?: number;
  /** First wait between tries of start, doubling, jittered (@ivr/backoff). Default 1 000. */
  startRetryDelayMs?: number;
  /** Listen for SIGTERM/SIGINT and unhandled errors, and exit the process. Default true. */
  installProcessHandlers?: boolean;
  /** How the process ends; injectable for tests. Default process.exit. */
  exit?: (code: number) => void;
}

export interface RunningService {
  readonly adminPort: number;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** Drains and stops everything; resolves to the exit code (0 when every hook stopped cleanly). */
  stop(reason: string): Promise<number>;
}

/** Errors for which retrying start cannot help: bad configuration. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'ConfigError' || (error as { permanent?: unknown }).permanent === true)
  );
}

function withTimeout(promise: Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([promise.then(() => 'done' as const), timeout]).finally(() => clearTimeout(timer));
}

/**
 * The life of a service process: telemetry and logger, admin server, start with retries, and on
 * SIGTERM/SIGINT a drain (readyz 503) followed by the stop hooks in reverse order.
 */
export async function runService<Config = undefined, Database = undefined>(
  options: RunServiceOptions<Config, Database>,
): Promise<RunningService> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  if (options.migrations && isMigrateCommand()) {
    exit(await options.migrations.migrateOnly(options.service));
    return new Promise<never>(() => {}); // the process ends with the exit above
  }
  const config = (options.config ? loadOrExit(options.service, options.config, exit) : undefined) as Config;
  const fromConfig = (value: FromConfig<Config> | undefined): number | undefined =>
    typeof value === 'function' ? value(config) : value;
  const handleProcess = options.installProcessHandlers ?? true;
  const hookTimeoutMs = fromConfig(options.hookTimeoutMs) ?? 5000;
  const adminPortWanted = fromConfig(options.adminPort) ?? 0;
  const telemetry = startTelemetry({ service: options.service, version: options.version });
  const logger = createLogger({ service: options.service });

  if (handleProcess) {
    // Logged through the logger, so a card number in an error message is masked like any other line.
    process.on('unhandledRejection', (reason) => {
      logger.fatal({ err: reason }, `unhandled promise rejection: ${describeError(reason)}; exiting`);
      exit(1);
    });
    process.on('uncaughtException', (error) => {
      logger.fatal({ err: error }, `uncaught exception: ${describeError(error)}; exiting`);
      exit(1);
    });
  }

  let phase: Phase = 'starting';
  let draining = false;
  const hooks: { name: string; hook: StopHook }[] = [];
  const checks = new Map<string, ReadinessCheck>();
  const abort = new AbortController();

  const state: AdminState = {
    phase: () => (phase === 'ready' && draining ? 'draining' : phase),
    checks: () => checks,
    metrics: telemetry.metricsHandler,
  };
  const admin = createAdminServer(state);
  let adminPort: number;
  try {
    adminPort = await listenOn(admin, adminPortWanted, options.adminHost ?? '0.0.0.0');
  } catch (error) {
    logger.fatal(`admin server cannot listen on port ${adminPortWanted}: ${describeError(error)}; exiting`);
    await telemetry.shutdown();
    exit(1);
    throw error;
  }
  logger.info({ admin_port: adminPort }, `admin server listening on port ${adminPort}`);

  const runHooks = async (): Promise<boolean> => {
    let clean = true;
    for (const { name, hook } of hooks.splice(0).reverse()) {
      logger.info({ hook: name }, `stopping ${name}`);
      const outcome = await withTimeout(
        Promise.resolve()
          .then(hook)
          .catch((error: unknown) => {
            clean = false;
            logger.error({ hook: name }, `stopping ${name} failed: ${describeError(error)}`);
          }),
        hookTimeoutMs,
      );
      if (outcome === 'timeout') {
        clean = false;
        logger.error({ hook: name }, `stopping ${name} took longer than ${hookTimeoutMs} ms; moving on`);
      }
    }
    return clean;
  };

  let database = undefined as Database;
  const ctx: ServiceContext<Config, Database> = {
    service: options.service,
    config,
    get database() {
      return database;
    },
    logger,
    telemetry,
    signal: abort.signal,
    onStop: (name, hook) => {
      hooks.push({ name, hook });
    },
    addReadinessCheck: (name, check) => {
      checks.set(name, check);
    },
    setDraining: (value) => {
      draining = value;
    },
    fail: (reason) => {
      if (stopping) return;
      logger.fatal({ reason }, `${reason}; stopping, to be restarted`);
      void stop(reason).then(() => exit(1));
    },
  };

  let stopping: Promise<number> | undefined;
  const stop = (reason: string): Promise<number> => {
    stopping ??= (async () => {
      phase = 'draining';
      abort.abort();
      logger.info({ reason }, `stopping (${reason}); readyz now answers 503`);
      const budget = fromConfig(options.drainTimeoutMs) ?? 20_000;
      const overrun = setTimeout(() => {
        logger.error(`stop did not finish within ${budget} ms; exiting`);
        exit(1);
      }, budget);
      try {
        if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
        const clean = await runHooks();
        await closeServer(admin);
        await telemetry.shutdown();
        logger.info(clean ? 'stopped' : 'stopped with errors');
        return clean ? 0 : 1;
      } finally {
        clearTimeout(overrun);
      }
    })();
    return stopping;
  };

  if (handleProcess) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) {
          logger.warn(`${signal} while stopping; exiting now`);
          exit(1);
          return;
        }
        stop(signal).then(exit);
      });
    }
  }

  try {
    await retry(
      async () => {
        if (options.migrations) database = await options.migrations.open(ctx);
        await options.start(ctx);
      },
      {
        what: 'start-up',
        attempts: options.startAttempts ?? 5,
        baseDelayMs: options.startRetryDelayMs ?? 1000,
        logger,
        isPermanent,
        // A failed attempt may have built half the service: stop what it registered before trying again.
        onFailure: async () => {
          await runHooks();
          checks.clear();
        },
      },
    );
  } catch (error) {
    const line = error instanceof RetryExhaustedError ? error.message : `start-up failed: ${describeError(error)}`;
    logger.fatal(`${line}; exiting`);
    await closeServer(admin);
    await telemetry.shutdown();
    exit(1);
    throw error;
  }

  if (!stopping) phase = 'ready';
  logger.info({ admin_port: adminPort }, `${options.service} started`);
  return { adminPort, logger, telemetry, stop };
}
