// Failures that change the course of a dialogue, whatever step is running.

/** The caller hung up (the call's AbortSignal fired). */
export class CallerHungUp extends Error {
  constructor() {
    super('caller hung up');
  }
}

/** The vault's media session is gone: the caller can no longer hear or key anything. */
export class MediaSessionLost extends Error {}

/** A service the dialogue depends on did not answer (after the adapter's own retries). */
export class ServiceUnavailable extends Error {
  constructor(
    readonly service: 'order-link' | 'authorization' | 'dtmf-vault',
    detail: string,
  ) {
    super(`${service} unavailable: ${detail}`);
  }
}

export function throwIfHungUp(signal: AbortSignal): void {
  if (signal.aborted) throw new CallerHungUp();
}
