import { createPgPool } from '../src';

const url = process.env.IVR_TEST_DATABASE_URL as string;

// What a database restart does to a service's connections (found by `make chaos`: call-control
// exited with an uncaught 57P01 when PostgreSQL restarted while it held a client between two queries).
test('a checked-out client whose connection the server ends does not crash the process; the pool recovers', async () => {
  const pool = createPgPool(url, { applicationName: 'pool-restart-test' });
  try {
    const client = await pool.connect();
    await client.query('begin');
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // The server ends this connection while it sits between two queries of a transaction, as a
    // restart does (FATAL 57P01 "terminating connection due to administrator command").
    await pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    await new Promise((r) => setTimeout(r, 300));

    await expect(client.query('select 1')).rejects.toThrow();
    client.release();
    const again = await pool.query<{ one: number }>('select 1 as one');
    expect(again.rows[0]?.one).toBe(1);
  } finally {
    await pool.end();
  }
});
