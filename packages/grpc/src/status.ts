import { status as Status, type StatusObject } from '@grpc/grpc-js';
import { maskPans } from '@ivr/logging';

/** An error a handler throws (or passes to its callback) on purpose, answered with its own code. */
export class GrpcStatusError extends Error {
  override readonly name = 'GrpcStatusError';
  constructor(
    readonly code: Status,
    readonly details: string,
  ) {
    super(details);
  }
}

export function statusError(code: Status, details: string): GrpcStatusError {
  return new GrpcStatusError(code, details);
}

/** A status the handler chose: an object with a gRPC status code (1–16), as grpc-js's own errors have. */
export function chosenStatus(error: unknown): Pick<StatusObject, 'code' | 'details'> | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, details, message } = error as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 16) return undefined;
  const text = typeof details === 'string' ? details : typeof message === 'string' ? message : Status[code];
  // Details travel to the caller: they get the same card-number mask as logs.
  return { code, details: maskPans(text ?? '') };
}

export const INTERNAL_DETAILS = 'internal error';
