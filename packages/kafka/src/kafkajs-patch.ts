/**
 * kafkajs 2.2.4's RequestQueue (one per broker connection) schedules its check for throttled requests
 * after every response, even when nothing waits: the delay is then `-1 - Date.now()`, Node turns it
 * into 1 ms (and, since Node 24, prints a TimeoutNegativeWarning once per process), and the check
 * schedules itself again. Every connection of every producer, consumer and admin spins a 1 ms timer
 * for as long as it lives: most of an idle service's CPU (tulios/kafkajs#1704, #1751; unreleased).
 *
 * The replacement schedules the check only when a request is waiting in the queue (a throttled broker
 * or the in-flight limit): then it runs when the throttle ends, or after 10 ms as before. With nothing
 * pending there is nothing to check; the next `push` that has to wait schedules it again. Applied once,
 * on loading @ivr/kafka, and only to the kafkajs version it was written for.
 */
import { createRequire } from 'node:module';

/** The kafkajs version whose RequestQueue this replaces; another version is left alone. */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';
/** kafkajs's own CHECK_PENDING_REQUESTS_INTERVAL. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

let patched = false;

/** True when kafkajs's RequestQueue runs the replacement (it does once this module loaded). */
export const kafkajsRequestQueuePatched = (): boolean => patched;

function patchRequestQueue(): void {
  const load = createRequire(require.resolve('kafkajs'));
  const { version } = load('./package.json') as { version: string };
  if (version !== PATCHED_KAFKAJS_VERSION) return;
  const RequestQueue = load('./src/network/requestQueue') as { prototype: RequestQueueInternals };
  if (typeof RequestQueue.prototype.scheduleCheckPendingRequests !== 'function') return;
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  patched = true;
}

patchRequestQueue();
