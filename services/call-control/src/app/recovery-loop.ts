// The two timers of crash recovery: this instance's heartbeat (its lease on the calls it answers)
// and the sweep that ends other instances' lost calls. Started before the first call is answered.
import type { CallOwnership } from './ports';
import { type RecoveryDeps, type RecoveryLogger, recoverLostCalls } from './recover-lost-calls';

export interface RecoveryLoopOptions extends RecoveryDeps {
  ownership: CallOwnership;
  /** This instance's lease: silent for longer, its calls are lost for the others. */
  staleMs: number;
  heartbeatMs: number;
  sweepMs: number;
  log: RecoveryLogger & { error(obj: object, msg: string): void };
}

export interface RecoveryLoop {
  /** False once the heartbeat has failed for longer than the stale threshold: others may take our calls. */
  healthy(): boolean;
  /** Stops both timers and retires this instance (what it still owns is lost at once for the others). */
  stop(): Promise<void>;
}

export async function startRecoveryLoop(options: RecoveryLoopOptions): Promise<RecoveryLoop> {
  const { ownership, instanceId, log } = options;
  // The first beat must land before any call is answered: a call whose owner has no heartbeat is lost.
  await ownership.heartbeat(instanceId, options.staleMs);
  let lastBeat = Date.now();
  let beating: Promise<void> | undefined;
  let sweeping: Promise<void> | undefined;

  const beat = () => {
    if (beating) return;
    beating = ownership
      .heartbeat(instanceId, options.staleMs)
      .then(() => {
        lastBeat = Date.now();
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'heartbeat failed'))
      .finally(() => {
        beating = undefined;
      });
  };
  const sweep = () => {
    if (sweeping) return;
    sweeping = recoverLostCalls(options)
      .then((results) => {
        if (results.size > 0) log.info({ calls: Object.fromEntries(results) }, 'lost calls swept');
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'lost-call sweep failed; trying again later'))
      .finally(() => {
        sweeping = undefined;
      });
  };
  const heartbeatTimer = setInterval(beat, options.heartbeatMs);
  const sweepTimer = setInterval(sweep, options.sweepMs);
  sweep();

  return {
    healthy: () => Date.now() - lastBeat < options.staleMs,
    async stop() {
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      await Promise.all([beating, sweeping]);
      await ownership
        .retire(instanceId)
        .catch((err: Error) => log.error({ err: err.message }, 'instance could not be retired'));
    },
  };
}
