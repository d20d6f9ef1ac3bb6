import { int, list, readConfig, url } from '@ivr/config';

/** Read once at start-up; a missing or malformed variable stops the process with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return readConfig(
    {
      adminPort: int('ADMIN_PORT', { default: 9105, min: 0, max: 65535 }),
      databaseUrl: url('NOTIFICATION_DATABASE_URL', { protocols: ['postgres', 'postgresql'] }),
      kafkaBrokers: list('KAFKA_BROKERS'),
    },
    env,
  );
}

export type Config = ReturnType<typeof loadConfig>;

export const DB_SCHEMA = 'notification';
export const CONSUMER_GROUP = 'notification';
