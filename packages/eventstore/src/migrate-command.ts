// `node dist/main.js migrate`: what the Helm chart's pre-install/pre-upgrade Jobs run. Applies the
// service's migrations and exits, starting nothing else (no Kafka, no ports), so a Job needs only the
// database URL. One implementation for every service: runService({ migrations: serviceMigrations(...) })
// runs it when the process was started as `main.js migrate`.

import { migrate } from './migrate';
import { checkDatabase, createPgPool } from './pool';

export interface MigrateCommandOptions {
  service: string;
  /** Folder of the service's `NNN_name.sql` files; without it only the event store's own tables. */
  dir?: string;
  /** Reads the settings the command needs; a throw (ConfigError) becomes the one failure line. */
  settings: () => { databaseUrl: string; schema: string };
  /** Where the result line goes; stdout and stderr by default. */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Runs the migrations; resolves to the exit code: 0, or 1 after one line saying what failed. */
export async function runMigrateCommand(options: MigrateCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let pool: ReturnType<typeof createPgPool> | undefined;
  try {
    const { databaseUrl, schema } = options.settings();
    pool = createPgPool(databaseUrl, { applicationName: `${options.service}-migrate`, max: 1 });
    await checkDatabase(pool);
    const applied = await migrate(pool, { schema, ...(options.dir ? { dir: options.dir } : {}) });
    out(
      applied.length === 0
        ? `${options.service} migrate: schema ${schema} is up to date`
        : `${options.service} migrate: applied ${applied.length} migration(s) to schema ${schema}: ${applied.join(', ')}`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err(`${options.service} migrate failed: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  } finally {
    await pool?.end().catch(() => undefined);
  }
}
