/**
 * One line saying what went wrong, without a stack: "connect ECONNREFUSED 127.0.0.1:55432 (ECONNREFUSED)".
 * Connection errors from net/pg arrive as AggregateError with an empty message (one error per address),
 * so their parts are listed instead.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    const parts = [...new Set(error.errors.map(describeError))].join('; ');
    return error.message ? `${error.message}: ${parts}` : parts;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    let line = error.message || error.name;
    if ((typeof code === 'string' || typeof code === 'number') && !line.includes(String(code))) line += ` (${code})`;
    if (error.cause !== undefined) line += `; caused by: ${describeError(error.cause)}`;
    return line;
  }
  return String(error);
}
