import { bool, int, list, readConfig, url } from '@ivr/config';

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      httpPort: int('HTTP_PORT', { default: 8080, min: 0, max: 65535 }),
      adminPort: int('ADMIN_PORT', { default: 9101, min: 0, max: 65535 }),
      databaseUrl: url('ORDERLINK_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
      kafkaBrokers: list('KAFKA_BROKERS'),
      // A dedicated relay process can publish instead (and a test can hold publishing back).
      outboxRelayEnabled: bool('OUTBOX_RELAY_ENABLED', { default: true }),
    },
    env,
  );
}

export type Config = ReturnType<typeof loadConfig>;

/** This service's schema in its database. */
export const DB_SCHEMA = 'orderlink';
