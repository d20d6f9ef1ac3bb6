import { Pool, type PoolConfig } from 'pg';

/**
 * A pg pool with the settings every service wants: a name in pg_stat_activity, bounded waits, and
 * pg's pipeline mode: a query is sent at once even while the connection's previous one is unanswered
 * (one after the other, each with its own Sync, so each fails or succeeds as it would alone). Code
 * that awaits each query behaves as without it; the event store sends a transaction's BEGIN with its
 * first statement and its COMMIT with its append. pg refuses cursors and `rows` in this mode.
 */
export function createPgPool(connectionString: string, options: PoolConfig & { applicationName: string }): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    statement_timeout: 15000,
    application_name: options.applicationName,
    pipeline: true,
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
