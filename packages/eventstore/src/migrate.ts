import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { MigrationError } from './errors';
import { assertSchemaName, eventStoreMigrations } from './schema';

export interface Migration {
  /** Sorts the migrations; recorded once applied. `NNN_name`. */
  id: string;
  sql: string;
}

export interface MigrateOptions {
  schema: string;
  /** Folder of `NNN_name.sql` files (the service's migrations/). */
  dir?: string;
  migrations?: Migration[];
  /** Apply the event store's own tables first (default true). */
  eventStore?: boolean;
}

/** Reads `*.sql` from a folder, sorted by name. */
export function readMigrationDir(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/**
 * Applies pending migrations to one schema, each in its own transaction with the schema as
 * search_path. Concurrent runners (several replicas starting at once) serialize on an advisory lock.
 * A migration edited after it was applied is an error: write a new one instead.
 * Returns the ids applied by this call.
 */
export async function migrate(pool: Pool, options: MigrateOptions): Promise<string[]> {
  const schema = assertSchemaName(options.schema);
  const all = [
    ...(options.eventStore === false ? [] : eventStoreMigrations),
    ...(options.dir ? readMigrationDir(options.dir) : []),
    ...(options.migrations ?? []),
  ];
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await client.query(`create schema if not exists "${schema}"`);
    await client.query(
      `create table if not exists "${schema}".schema_migrations (id text primary key, checksum text not null, applied_at timestamptz not null default now())`,
    );
    const done = new Map(
      (
        await client.query<{ id: string; checksum: string }>(`select id, checksum from "${schema}".schema_migrations`)
      ).rows.map((r) => [r.id, r.checksum]),
    );
    for (const m of all) {
      const sum = checksum(m.sql);
      const previous = done.get(m.id);
      if (previous !== undefined) {
        if (previous !== sum)
          throw new MigrationError(`migration ${m.id} in schema ${schema} changed after it was applied`);
        continue;
      }
      try {
        await client.query('begin');
        await client.query(`set local search_path to "${schema}"`);
        await client.query(m.sql);
        await client.query(`insert into "${schema}".schema_migrations (id, checksum) values ($1, $2)`, [m.id, sum]);
        await client.query('commit');
        applied.push(m.id);
      } catch (err) {
        await client.query('rollback');
        throw new MigrationError(`migration ${m.id} in schema ${schema} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => undefined);
    client.release();
  }
  return applied;
}
