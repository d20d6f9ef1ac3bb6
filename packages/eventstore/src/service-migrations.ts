// A service's PostgreSQL schema and migrations, for @ivr/runtime's `runService({ migrations })`
// (typed structurally: the runtime holds no database client, and this package does not need it).
import type { Pool } from 'pg';
import { migrate } from './migrate';
import { runMigrateCommand } from './migrate-command';
import { checkDatabase, createPgPool } from './pool';

export interface ServiceMigrationsOptions {
  /** Folder of the service's `NNN_name.sql` files; without it only the event store's own tables. */
  dir?: string;
  /**
   * The database URL and schema, read when needed: what `main.js migrate` reads (the migration Job
   * sets nothing else), and the same at start. A throw (ConfigError) is the one failure line.
   */
  settings: () => { databaseUrl: string; schema: string };
  /** Connections of the service's pool (default 10). */
  maxConnections?: number;
  /** /readyz answers 503 while the database does not answer (`postgres` check). Default false. */
  readinessCheck?: boolean;
}

/** What `ctx.database` holds: the service's pool and the schema its migrations were applied to. */
export interface ServiceDatabase {
  pool: Pool;
  schema: string;
}

interface Context {
  readonly service: string;
  onStop(name: string, hook: () => Promise<void> | void): void;
  addReadinessCheck(name: string, check: () => Promise<boolean> | boolean): void;
}

/**
 * `main.js migrate` applies the migrations with one connection and exits with one line; at start the
 * service's pool is created (application name = service, ended on stop), checked, and migrated.
 */
export function serviceMigrations(options: ServiceMigrationsOptions): {
  migrateOnly(service: string): Promise<number>;
  open(ctx: Context): Promise<ServiceDatabase>;
} {
  const dir = options.dir ? { dir: options.dir } : {};
  return {
    migrateOnly: (service) => runMigrateCommand({ service, ...dir, settings: options.settings }),
    async open(ctx) {
      const { databaseUrl, schema } = options.settings();
      const pool = createPgPool(databaseUrl, {
        applicationName: ctx.service,
        ...(options.maxConnections ? { max: options.maxConnections } : {}),
      });
      ctx.onStop('postgres', () => pool.end());
      await checkDatabase(pool);
      await migrate(pool, { schema, ...dir });
      if (options.readinessCheck) {
        ctx.addReadinessCheck('postgres', async () => {
          await pool.query('select 1');
          return true;
        });
      }
      return { pool, schema };
    },
  };
}
