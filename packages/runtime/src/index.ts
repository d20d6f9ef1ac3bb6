export type { Phase, ReadinessCheck } from './admin-server';
export { describeError } from './describe-error';
export { loadOrExit } from './load-or-exit';
export { isMigrateCommand, type MigrationsContext, type ServiceMigrations } from './migrations';
export { RetryExhaustedError, type RetryOptions, retry } from './retry';
export {
  type RunningService,
  type RunServiceOptions,
  runService,
  type ServiceContext,
  type StopHook,
} from './run-service';
export { type ServeHttpOptions, serveHttp } from './serve-http';
