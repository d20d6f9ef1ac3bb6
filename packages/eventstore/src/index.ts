export { type Decider, foldEvents, inSequence } from './decider';
export { ConcurrencyError, MigrationError } from './errors';
export {
  EventStore,
  EventStoreTransaction,
  type OutboxEntry,
  type ReadAllCheckpoint,
  sendTogether,
  toEnvelope,
} from './event-store';
export {
  type Change,
  type CommandStore,
  type CommandTransaction,
  type HandleOptions,
  type HandleResult,
  handleCommand,
} from './handle-command';
export { type MigrateOptions, type Migration, migrate, readMigrationDir } from './migrate';
export { type MigrateCommandOptions, runMigrateCommand } from './migrate-command';
export { type OutboxMessage, type OutboxPublisher, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { checkDatabase, createPgPool } from './pool';
export { assertSchemaName, eventStoreMigrations, outboxChannel } from './schema';
export { type ServiceDatabase, type ServiceMigrationsOptions, serviceMigrations } from './service-migrations';
export type * from './types';
