import { setTimeout as sleep } from 'node:timers/promises';

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts something (a consumer) without holding the caller up, retrying with backoff until it
 * starts or `signal` aborts. `stop()` waits for a start in progress, then stops what started.
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
        const delayMs = Math.min(30_000, 1000 * 2 ** (attempt - 1));
        logger.warn({ error: (err as Error).message, attempt, delayMs }, `${what} could not start; retrying`);
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
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
