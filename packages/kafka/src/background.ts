import { backoffDelayMs, sleep } from '@ivr/backoff';

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts something (a consumer) without holding the caller up (joining a group can take a session timeout
 * after a crash, while the dead member expires), retrying with backoff until it starts or `signal` aborts.
 * `stop()` waits for a start in progress, then stops what started.
 */
export function startInBackground(
  what: string,
  start: () => Promise<Stoppable>,
  signal: AbortSignal,
  logger: { warn(obj: object, msg: string): void },
): Stoppable {
  let started: Stoppable | undefined;
  const starting = (async () => {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        started = await start();
        return;
      } catch (err) {
        const delayMs = backoffDelayMs(attempt, { initialMs: 1000, maxMs: 30_000 });
        logger.warn({ error: (err as Error).message, attempt, delayMs }, `${what} could not start; retrying`);
        await sleep(delayMs, signal);
      }
    }
  })();
  return {
    async stop() {
      await starting;
      await started?.stop();
    },
  };
}
