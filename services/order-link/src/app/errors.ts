/**
 * Errors the application layer raises; each HTTP/gRPC adapter maps the kind to its own status.
 * Messages are safe to show to API clients.
 */
export type AppErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'invalid_state'
  | 'unavailable'
  /** Too many requests of one client (an API key, a source address): try again later. */
  | 'rate_limited';

export interface FieldProblem {
  /** Where the value was: body, query, path or header. */
  in: 'body' | 'query' | 'path' | 'header';
  /** Name of the field, e.g. `amount`, `metadata.customerId`, `Idempotency-Key`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}
