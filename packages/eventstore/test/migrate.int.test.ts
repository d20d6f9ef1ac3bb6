import { randomBytes } from 'node:crypto';
import { createPgPool, MigrationError, migrate } from '../src';

describe('migrate', () => {
  const pool = createPgPool(process.env.IVR_TEST_DATABASE_URL ?? '', { applicationName: 'test-migrate' });
  const schema = `mig_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  it('applies pending migrations once, in order, even when runners race', async () => {
    const migrations = [
      { id: '001_widgets', sql: 'create table widgets (id int primary key)' },
      { id: '002_widget_name', sql: 'alter table widgets add column name text' },
    ];
    const runs = await Promise.all([migrate(pool, { schema, migrations }), migrate(pool, { schema, migrations })]);
    expect(runs.flat().filter((id) => id === '001_widgets')).toHaveLength(1);
    expect(await migrate(pool, { schema, migrations })).toEqual([]);
    await pool.query(`insert into "${schema}".widgets (id, name) values (1, 'a')`);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const changed = [{ id: '001_widgets', sql: 'create table widgets (id bigint primary key)' }];
    await expect(migrate(pool, { schema, migrations: changed })).rejects.toBeInstanceOf(MigrationError);
  });

  it('names the migration that fails and leaves nothing half-applied', async () => {
    const broken = [{ id: '003_broken', sql: 'create table gadgets (id int); select no_such_function()' }];
    await expect(migrate(pool, { schema, migrations: broken })).rejects.toThrow(/migration 003_broken .* failed/);
    const { rowCount } = await pool.query(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'gadgets'`,
      [schema],
    );
    expect(rowCount).toBe(0);
  });
});
