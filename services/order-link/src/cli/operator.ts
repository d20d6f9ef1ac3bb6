/**
 * Break-glass for operator accounts when no admin can sign in (the last admin locked out, or their
 * phone lost with the recovery codes): unlock an account, or remove its second factor so that the
 * next sign-in enrols a new authenticator app. Each is an event in the operator's audit trail,
 * by `cli:<user>`. Day-to-day, admins do both in the console's Operators screen.
 *   ORDERLINK_DATABASE_URL=... npm run -w @ivr/order-link operator -- unlock <username>
 *   ORDERLINK_DATABASE_URL=... npm run -w @ivr/order-link operator -- reset-mfa <username>
 */
import { createPgPool } from '@ivr/eventstore';
import { buildOperators } from '../adapters/http/console/wire';
import { AppError } from '../app/errors';
import { DB_SCHEMA } from '../config';
import { buildCore } from '../wiring';

const COMMANDS = { unlock: { unlock: true }, 'reset-mfa': { resetMfa: true } } as const;

async function main(): Promise<void> {
  const [command, username] = process.argv.slice(2);
  const url = process.env.ORDERLINK_DATABASE_URL;
  if (!url || !username || !(command === 'unlock' || command === 'reset-mfa')) {
    console.error('usage: ORDERLINK_DATABASE_URL=... operator unlock|reset-mfa <username>');
    process.exit(2);
  }
  const pool = createPgPool(url, { applicationName: 'order-link-operator-cli', max: 2 });
  try {
    const core = await buildCore({ pool, schema: DB_SCHEMA });
    const { operators, operatorStore } = buildOperators(core, pool, DB_SCHEMA, {
      sessionTtlMinutes: 60,
      sessionIdleMinutes: 15,
      lockoutFailures: 5,
      lockoutMinutes: 30,
    });
    const found = await operatorStore.byUsername(username.toLowerCase());
    if (!found) throw new AppError('not_found', `no operator ${username}`);
    const changed = await operators.change(
      { actor: `cli:${process.env.USER ?? 'unknown'}`, role: 'cli' },
      found.operatorId,
      COMMANDS[command],
    );
    console.log(JSON.stringify(changed, null, 2));
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err instanceof AppError ? `refused: ${err.message}` : err.message);
  process.exit(1);
});
