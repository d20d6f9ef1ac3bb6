// The `migrations` option of runService. The runtime holds no database client (the vault runs on it
// and must have none): @ivr/eventstore's serviceMigrations() implements this for PostgreSQL.

/** What a service's database needs of the context it is opened in. */
export interface MigrationsContext {
  readonly service: string;
  onStop(name: string, hook: () => Promise<void> | void): void;
  addReadinessCheck(name: string, check: () => Promise<boolean> | boolean): void;
}

/** A service's database and its migrations, as runService drives them. */
export interface ServiceMigrations<Database> {
  /**
   * `main.js migrate` (the chart's migration Jobs): apply the migrations, start nothing else, print
   * one line; resolves to the exit code.
   */
  migrateOnly(service: string): Promise<number>;
  /**
   * At each start attempt, before `start`: connect, check that the database answers, apply the
   * migrations, register its own stop; what it resolves to is `ctx.database`.
   */
  open(ctx: MigrationsContext): Promise<Database>;
}

/** True when the process was started as `main.js migrate`. */
export function isMigrateCommand(argv: readonly string[] = process.argv): boolean {
  return argv[2] === 'migrate';
}
