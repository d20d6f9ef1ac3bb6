import { createLogger } from '@ivr/logging';
import { describeError } from './describe-error';

/**
 * Runs a synchronous start-up step that cannot succeed by retrying, typically reading the config before
 * runService needs the admin port: on failure, one fatal log line (no stack) and exit 1.
 */
export function loadOrExit<T>(service: string, load: () => T, exit: (code: number) => void = process.exit): T {
  try {
    return load();
  } catch (error) {
    createLogger({ service }).fatal(`${describeError(error)}; exiting`);
    exit(1);
    throw error;
  }
}
