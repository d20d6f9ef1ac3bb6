/**
 * Creates an operator from the command line: the first admin of a fresh installation (later
 * operators are made in the console's administration screen).
 *   ORDERLINK_DATABASE_URL=... npm run -w @ivr/order-link create-admin -- <username> "<display name>" [role] [team]
 * The password is read from the CONSOLE_ADMIN_PASSWORD variable or, when unset, from standard input
 * (one line), so that it never appears in the process list or shell history.
 */
import { createPgPool } from '@ivr/eventstore';
import { buildOperators } from '../adapters/http/console/wire';
import { AppError } from '../app/errors';
import { DB_SCHEMA } from '../config';
import { ROLES, type Role } from '../operators/operator';
import { buildCore } from '../wiring';

async function readPassword(): Promise<string> {
  if (process.env.CONSOLE_ADMIN_PASSWORD) return process.env.CONSOLE_ADMIN_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('password (input is not hidden; prefer piping it): ');
  let input = '';
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (input.includes('\n')) break;
  }
  return input.split('\n')[0]!.replace(/\r$/, '');
}

async function main(): Promise<void> {
  const [username, displayName, role = 'admin', team] = process.argv.slice(2);
  const url = process.env.ORDERLINK_DATABASE_URL;
  if (!username || !displayName || !url || !(ROLES as readonly string[]).includes(role)) {
    console.error(
      'usage: ORDERLINK_DATABASE_URL=... create-admin <username> "<display name>" [operator|supervisor|admin] [team]',
    );
    console.error(
      'password: CONSOLE_ADMIN_PASSWORD, or one line on standard input (at least 12 characters, letters and digits)',
    );
    process.exit(2);
  }
  const password = await readPassword();
  const pool = createPgPool(url, { applicationName: 'order-link-create-admin', max: 2 });
  try {
    const core = await buildCore({ pool, schema: DB_SCHEMA });
    const { operators } = buildOperators(core, pool, DB_SCHEMA, {
      sessionTtlMinutes: 60,
      sessionIdleMinutes: 15,
      lockoutFailures: 5,
      lockoutMinutes: 30,
    });
    const created = await operators.create(
      { actor: `cli:${process.env.USER ?? 'unknown'}`, role: 'cli' },
      { username, displayName, role: role as Role, team: team ?? null, sipAddress: '' },
      password,
    );
    console.log(JSON.stringify(created, null, 2));
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err instanceof AppError ? `refused: ${err.message}` : err.message);
  process.exit(1);
});
