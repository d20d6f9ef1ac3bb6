import type { Response } from 'express';
import type { AppErrorKind, FieldProblem } from '../../app/errors';

/** RFC 9457 problem details: the one error shape of the API (the OpenAPI `Problem` schema). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
}

const KINDS: Record<
  AppErrorKind | 'malformed_json' | 'too_large' | 'media_type' | 'internal' | 'route',
  [number, string, string]
> = {
  invalid: [400, '/problems/validation', 'The request is invalid'],
  malformed_json: [400, '/problems/malformed-json', 'The body is not valid JSON'],
  unauthenticated: [401, '/problems/unauthenticated', 'A valid API key is required'],
  forbidden: [403, '/problems/forbidden', 'Not allowed with this API key'],
  not_found: [404, '/problems/not-found', 'Not found'],
  route: [404, '/problems/no-such-route', 'No such operation'],
  conflict: [409, '/problems/conflict', 'Conflict'],
  idempotency_mismatch: [409, '/problems/idempotency-key-reused', 'Idempotency-Key reused with a different request'],
  invalid_state: [409, '/problems/invalid-state', 'The payment is not in a state that allows this'],
  too_large: [413, '/problems/payload-too-large', 'The body is too large'],
  media_type: [415, '/problems/unsupported-media-type', 'The body must be application/json'],
  rate_limited: [429, '/problems/rate-limited', 'Too many requests'],
  unavailable: [503, '/problems/unavailable', 'Temporarily unavailable'],
  internal: [500, '/problems/internal', 'Internal error'],
};

export type ProblemKind = keyof typeof KINDS;

export function problem(kind: ProblemKind, detail: string, instance?: string, errors?: FieldProblem[]): Problem {
  const [status, type, title] = KINDS[kind];
  return {
    type,
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/**
 * The console's titles where the REST API's speak of API keys: its users are operators with a
 * session, and a refusal there (a cross-origin request, a role) has nothing to do with a key.
 */
const CONSOLE_TITLES: Partial<Record<ProblemKind, string>> = {
  unauthenticated: 'Not signed in',
  forbidden: 'Not allowed',
};

export function consoleProblem(kind: ProblemKind, detail: string, instance?: string, errors?: FieldProblem[]): Problem {
  const p = problem(kind, detail, instance, errors);
  return { ...p, title: CONSOLE_TITLES[kind] ?? p.title };
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}
