import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { createPgPool, EventStore, migrate } from '../src';

/** A fresh schema in the test database, migrated, dropped by `cleanup`. */
export async function freshStore(
  prefix: string,
): Promise<{ pool: Pool; store: EventStore; cleanup: () => Promise<void> }> {
  const url = process.env.IVR_TEST_DATABASE_URL;
  if (!url) throw new Error('IVR_TEST_DATABASE_URL is not set: run `make up-infra` first');
  const pool = createPgPool(url, { applicationName: `test-${prefix}`, max: 20 });
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  await migrate(pool, { schema });
  const store = new EventStore(pool, { schema });
  return {
    pool,
    store,
    cleanup: async () => {
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
}
