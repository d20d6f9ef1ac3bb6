import type { Logger } from '@ivr/logging';
import type { Authorizations } from './authorizations';

/**
 * Settles pending authorizations in the background: at start (an authorization left pending by a
 * crash between the gateway's answer and the append) and then every `intervalMs`. Runs never overlap.
 */
export function startReconciler(options: {
  authorizations: Authorizations;
  intervalMs: number;
  afterMs: number;
  logger: Logger;
}): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = options.authorizations
      .reconcilePending(options.afterMs)
      .then((n) => {
        if (n > 0) options.logger.info({ pending: n }, `reconciled ${n} pending authorization(s)`);
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, 'reconciliation failed; trying again later'))
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
