import { randomBytes } from 'node:crypto';
import { createPgPool, MigrationError, migrate, serviceMigrations } from '../src';

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

describe("serviceMigrations (runService's database)", () => {
  const url = process.env.IVR_TEST_DATABASE_URL ?? '';
  const schema = `svcmig_${randomBytes(4).toString('hex')}`;
  const admin = createPgPool(url, { applicationName: 'test-service-migrations' });
  afterAll(async () => {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it("opens the service's pool under its name, migrated, with its readiness check and its stop", async () => {
    const stops: (() => Promise<void> | void)[] = [];
    const checks = new Map<string, () => Promise<boolean> | boolean>();
    const database = await serviceMigrations({
      settings: () => ({ databaseUrl: url, schema }),
      readinessCheck: true,
    }).open({
      service: 'svc-test',
      onStop: (_name, hook) => void stops.push(hook),
      addReadinessCheck: (name, check) => void checks.set(name, check),
    });
    expect(database.schema).toBe(schema);
    const { rows } = await database.pool.query<{ name: string }>('select current_setting($1) as name', [
      'application_name',
    ]);
    expect(rows[0]?.name).toBe('svc-test');
    expect((await admin.query(`select 1 from "${schema}".events limit 1`)).rowCount).toBe(0);
    expect(await checks.get('postgres')?.()).toBe(true);
    for (const stop of stops) await stop();
    expect(database.pool.ended).toBe(true);
  });
});
