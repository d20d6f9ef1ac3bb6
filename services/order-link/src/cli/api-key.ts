/**
 * Issues the first API key of an order system (later keys can be made through POST /v1/api-keys).
 *   npm run -w @ivr/order-link api-key -- <order-system> <name> [scope,scope,...]
 * Prints the key once; only its hash is stored.
 */
import { createPgPool } from '@ivr/eventstore';
import { ALL_SCOPES } from '../app/ports';
import { DB_SCHEMA } from '../config';
import { buildCore } from '../wiring';

async function main(): Promise<void> {
  const [orderSystem, name, scopeList] = process.argv.slice(2);
  const url = process.env.ORDERLINK_DATABASE_URL;
  if (!orderSystem || !name || !url) {
    console.error('usage: ORDERLINK_DATABASE_URL=... api-key <order-system> <name> [scope,scope,...]');
    console.error(`scopes: ${ALL_SCOPES.join(', ')} (default: all)`);
    process.exit(2);
  }
  const scopes = scopeList ? scopeList.split(',') : [...ALL_SCOPES];
  const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    console.error(`unknown scope(s): ${unknown.join(', ')}`);
    process.exit(2);
  }
  const pool = createPgPool(url, { applicationName: 'order-link-cli', max: 2 });
  try {
    const core = await buildCore({ pool, schema: DB_SCHEMA });
    const key = await core.apiKeys.issue(orderSystem, name, scopes, `cli:${process.env.USER ?? 'unknown'}`);
    console.log(JSON.stringify(key, null, 2));
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
