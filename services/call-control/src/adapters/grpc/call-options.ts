// Small helpers shared by the gRPC adapters: deadlines, cancellation by the call's AbortSignal,
// and the status codes that mean "the service is not there".
import { type ClientUnaryCall, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CallerHungUp } from '../../dialogue/errors';

/** Statuses that say the service could not be reached or could not answer in time. */
export function isUnavailable(err: unknown): boolean {
  const code = (err as Partial<ServiceError>).code;
  return code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED || code === status.RESOURCE_EXHAUSTED;
}

export function grpcCode(err: unknown): number | undefined {
  return (err as Partial<ServiceError>).code;
}

/** Metadata that lets a call wait, within its deadline, for a channel that is (re)connecting. */
export function readyMetadata(): Metadata {
  const metadata = new Metadata();
  metadata.setOptions({ waitForReady: true });
  return metadata;
}

export function deadline(ms: number): Date {
  return new Date(Date.now() + ms);
}

/**
 * Runs one unary call; cancels it when the signal aborts (the caller hung up) and rejects with
 * CallerHungUp then, whatever the server says afterwards.
 */
export function unary<Res>(
  signal: AbortSignal | undefined,
  start: (callback: (err: ServiceError | null, res?: Res) => void) => ClientUnaryCall,
): Promise<Res> {
  if (signal?.aborted) return Promise.reject(new CallerHungUp());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      call.cancel();
      reject(new CallerHungUp());
    };
    const call = start((err, res) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else if (res === undefined) reject(new Error('empty gRPC response'));
      else resolve(res);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
