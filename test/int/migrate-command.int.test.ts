import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';

/**
 * `node dist/main.js migrate` is what the Helm chart's migration Jobs run. Each stateful service is
 * started that way (through tsx, from source) on the real PostgreSQL with only the variables the Job
 * sets: afterwards every one of its migrations is recorded, a second run has nothing to do, and a
 * failure is exit 1 with one line. order-link and notification have fixed schemas, which the shared
 * development database already holds (migrating is idempotent and serialized by an advisory lock);
 * authorization migrates a fresh schema of this test's own, so the "applied" path runs too.
 */
const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const databaseUrl = process.env.IVR_TEST_DATABASE_URL ?? '';
const freshSchema = `authz_migrate_${randomBytes(4).toString('hex')}`;

const services: { name: string; variable: string; schema: string; env: Record<string, string> }[] = [
  { name: 'order-link', variable: 'ORDERLINK_DATABASE_URL', schema: 'orderlink', env: {} },
  { name: 'notification', variable: 'NOTIFICATION_DATABASE_URL', schema: 'notification', env: {} },
  {
    name: 'authorization',
    variable: 'AUTHORIZATION_DATABASE_URL',
    schema: freshSchema,
    env: { AUTHORIZATION_DB_SCHEMA: freshSchema },
  },
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
async function migrateCommand(service: string, env: Record<string, string>): Promise<Run> {
  // Nothing but the Job's variables: no Kafka, no ports, no secrets.
  const jobEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      TSX,
      [join(ROOT, 'services', service, 'src/main.ts'), 'migrate'],
      {
        env: jobEnv,
        cwd: ROOT,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
const linesOf = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const pool = new Pool({ connectionString: databaseUrl, max: 2 });
afterAll(async () => {
  await pool.query(`drop schema if exists "${freshSchema}" cascade`);
  await pool.end();
});

describe.each(services)('$name migrate', ({ name, variable, schema, env }) => {
  it('records every migration, prints one line and exits 0; a second run has nothing to do', async () => {
    const first = await migrateCommand(name, { [variable]: databaseUrl, ...env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(linesOf(first.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${name} migrate: (applied \\d+ migration|schema ${schema} is up to date)`)),
    ]);
    if (schema === freshSchema) expect(first.stdout).toContain('applied');

    const recorded = (await pool.query<{ id: string }>(`select id from "${schema}".schema_migrations`)).rows.map(
      (r) => r.id,
    );
    const own = readdirSync(join(ROOT, 'services', name, 'migrations'))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''));
    expect(own.length).toBeGreaterThan(0);
    expect(recorded).toEqual(expect.arrayContaining(own));
    const events = await pool.query(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'events'`,
      [schema],
    );
    expect(events.rowCount).toBe(1);

    const second = await migrateCommand(name, { [variable]: databaseUrl, ...env });
    expect(second.code).toBe(0);
    expect(linesOf(second.stdout)).toEqual([`${name} migrate: schema ${schema} is up to date`]);
  });

  it('fails with exit 1 and one line naming the variable when the database URL is missing', async () => {
    const run = await migrateCommand(name, {});
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^${name} migrate failed: .*${variable}`))]);
  });

  it('fails with exit 1 and one line naming the host, not the password, when PostgreSQL is unreachable', async () => {
    const run = await migrateCommand(name, { [variable]: 'postgres://ivr:hunter2@127.0.0.1:1/nothing' });
    expect(run.code).toBe(1);
    const lines = linesOf(run.stderr);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${name} migrate failed: PostgreSQL at 127.0.0.1:1`))]);
    expect(run.stderr).not.toContain('hunter2');
  });
});
