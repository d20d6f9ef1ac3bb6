// Every row of every table of the service databases, each row as its text form (jsonb, bytea as
// hex, arrays...), so encoded card numbers are found too.
import { Client } from 'pg';
import type { HitList, Matcher } from './needles';
import type { ScanStats } from './stats';

/** Every <SERVICE>_DATABASE_URL in the environment but the test database's. */
export function serviceDatabaseUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => /_DATABASE_URL$/.test(k) && k !== 'IVR_TEST_DATABASE_URL' && v)
    .map(([, v]) => v as string);
}

export async function scanTables(urls: string[], matcher: Matcher, hits: HitList, stats: ScanStats): Promise<void> {
  stats.add('table', 0, 0);
  for (const url of urls) {
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const name = (await db.query<{ d: string }>('select current_database() as d')).rows[0]?.d ?? url;
      const { rows: tables } = await db.query<{ s: string; t: string }>(
        `select table_schema as s, table_name as t from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      );
      for (const { s, t } of tables) {
        const rows = await db.query<{ r: string }>(`select x::text as r from "${s}"."${t}" x`).catch(() => undefined);
        if (!rows) continue; // no privilege on another role's table: not this service's data
        for (const { r } of rows.rows) {
          stats.add('table', 1, Buffer.byteLength(r));
          hits.add('table', `${name}.${s}.${t}`, matcher.find(r));
        }
      }
    } finally {
      await db.end();
    }
  }
}
