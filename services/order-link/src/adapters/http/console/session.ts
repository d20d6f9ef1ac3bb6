import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../../app/errors';
import type { OperatorsApp } from '../../../app/operators-app';
import type { Operator } from '../../../operators/operator';

declare module 'express-serve-static-core' {
  interface Request {
    operator?: Operator;
    sessionSecret?: string;
    csrfToken?: string;
  }
}

export const SESSION_COOKIE = 'olk_session';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * HttpOnly (scripts never see it), SameSite=Strict, path-scoped to the console, and Secure: always,
 * unless development allows plain http (CONSOLE_ALLOW_PLAIN_HTTP) and this request came over it.
 * Behind the ingress, `req.secure` is the scheme the trusted proxy reports (TRUSTED_PROXIES).
 */
export function sessionCookie(req: Request, value: string, maxAgeSeconds: number, allowPlainHttp: boolean): string {
  const attrs = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/console',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (req.secure || !allowPlainHttp) attrs.push('Secure');
  return attrs.join('; ');
}

/** The cookie that ends the session in the browser (Secure as it was set, or the browser keeps the old one). */
export const clearedSessionCookie = (req: Request, allowPlainHttp: boolean): string =>
  sessionCookie(req, '', 0, allowPlainHttp);

/** Attaches the signed-in operator, if any. */
export function loadSession(operators: OperatorsApp) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const secret = readCookie(req, SESSION_COOKIE);
    if (secret && /^[\w-]{20,100}$/.test(secret)) {
      const s = await operators.session(secret);
      if (s) {
        req.operator = s.operator;
        req.sessionSecret = secret;
        req.csrfToken = s.csrfToken;
      }
    }
    next();
  };
}

/**
 * Same-origin check on every state-changing request: browsers send Origin on cross-site POSTs (and
 * Sec-Fetch-Site on all), so a request another site forges is refused before it does anything.
 */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin') throw new AppError('forbidden', 'cross-site request refused');
  const origin = req.get('origin');
  if (origin && !sameOriginAs(origin, req)) throw new AppError('forbidden', 'cross-origin request refused');
  if (!origin && !site) throw new AppError('forbidden', 'state-changing requests must come from the console page');
  next();
}

/**
 * Whether the browser's Origin is this request's own: the scheme and host the client used, which
 * behind the ingress are those its trusted proxy reports (X-Forwarded-Proto / -Host), compared as
 * URL origins (case and default ports normalized).
 */
function sameOriginAs(origin: string, req: Request): boolean {
  try {
    return new URL(origin).origin === new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return false;
  }
}

/** The synchronizer token: state-changing requests of a session carry its CSRF token in a header. */
export function requireCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  if (!req.csrfToken || req.get(CSRF_HEADER) !== req.csrfToken)
    throw new AppError('forbidden', 'missing or wrong CSRF token; reload the page');
  next();
}

export function signedIn(req: Request): Operator {
  if (!req.operator) throw new AppError('unauthenticated', 'sign in first');
  return req.operator;
}

export function requireAdmin(req: Request): Operator {
  const o = signedIn(req);
  if (o.role !== 'admin') throw new AppError('forbidden', 'only an admin can do this');
  return o;
}
