import { Pool, type PoolConfig } from 'pg';

/** A pg pool with the settings every service wants: a name in pg_stat_activity, bounded waits. */
export function createPgPool(connectionString: string, options: PoolConfig & { applicationName: string }): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    statement_timeout: 15000,
    application_name: options.applicationName,
    ...options,
  });
  // A client losing its connection (database restart) must not crash the process, idle in the pool
  // or checked out between two queries of a transaction (pg emits 'error' on the client then, and an
  // 'error' nobody listens to is an uncaught exception). The query in flight, or the next one, reports
  // the problem to its caller; the pool drops a broken client when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Resolves once the database answers; rejects with a clear message naming the host otherwise. */
export async function checkDatabase(pool: Pool): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (err) {
    const opts = pool.options as PoolConfig;
    const where = opts.connectionString ? new URL(opts.connectionString).host : `${opts.host}:${opts.port}`;
    throw new Error(`PostgreSQL at ${where} is not reachable: ${(err as Error).message}`);
  }
}
