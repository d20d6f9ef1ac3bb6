import type { GatewayFailure } from './outcome';

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A request that got no HTTP answer (`sendHttp`'s rejection), classified: a refused connection or an
 * unknown host certainly sent nothing (unavailable); a timeout or a reset may have reached the gateway
 * (unknown). Duck-typed, not instanceof: errors may come from another realm (e.g. under jest's vm). The
 * code is node's on the error itself, or on its cause (fetch wrapped it).
 */
export function networkFailure(error: unknown, timeoutMs: number): GatewayFailure {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  const name = typeof failure.name === 'string' ? failure.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'unknown', cause: 'timeout', message: `no answer from the PSP within ${timeoutMs} ms` };
  }
  const cause = (typeof failure.cause === 'object' && failure.cause !== null ? failure.cause : {}) as {
    code?: unknown;
  };
  const code = typeof failure.code === 'string' ? failure.code : typeof cause.code === 'string' ? cause.code : '';
  if (NOT_SENT.has(code))
    return { kind: 'unavailable', cause: 'connection_refused', message: `PSP unreachable (${code})` };
  return {
    kind: 'unknown',
    cause: 'connection_reset',
    message: `connection to the PSP failed (${code || name || 'unknown'})`,
  };
}
