/**
 * Waits `ms`, calling `heartbeat` at least every second so the group coordinator does not evict
 * a consumer that is only backing off. Resolves false early when `stopped` resolves.
 */
export async function waitWithHeartbeat(
  ms: number,
  heartbeat: () => Promise<void>,
  stopped: Promise<void>,
): Promise<boolean> {
  let stopRequested = false;
  const onStop = stopped.then(() => {
    stopRequested = true;
  });
  const deadline = Date.now() + ms;
  while (!stopRequested) {
    const left = deadline - Date.now();
    if (left <= 0) return true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, Math.min(left, 1000)))), onStop]);
    clearTimeout(timer);
    if (!stopRequested) await heartbeat();
  }
  return false;
}
