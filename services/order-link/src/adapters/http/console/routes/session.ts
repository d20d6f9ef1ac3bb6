// The sign-in screen: open a session (POST), read it (GET, on every page load), close it (DELETE).
import express, { type Router } from 'express';
import { type Operator, type OperatorSummary, withoutSecret } from '../../../../operators/operator';
import { limitBy, limiterOf, sourceOf } from '../../rate-limit';
import { body, required, wrap } from '../request';
import type { ConsoleApiDeps } from '../router';
import { clearedSessionCookie, sessionCookie, signedIn } from '../session';

const answer = (d: ConsoleApiDeps, o: Operator | OperatorSummary, csrfToken: string) => ({
  operator: 'passwordHash' in o ? withoutSecret(o) : o,
  csrfToken,
  ivrSipAddress: d.config.ivrSipAddress,
});

/** Signing in and reading the session: before the console's session gate. */
export function sessionRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();
  // Per source address, before the password is hashed (docs/security-audit.md, item 10); the
  // account's own lock-out counts failures after it.
  const perSource = limitBy(
    limiterOf(d.config.signInRateLimitPerSource, () => d.clock.now().getTime()),
    (req) => `source:${sourceOf(req.ip)}`,
    'to sign in from this address',
  );
  api.post(
    '/session',
    perSource,
    wrap(async (req, res) => {
      const b = body(req);
      const signed = await d.operators.signIn(required(b, 'username', 40), required(b, 'password', 200));
      res
        .set(
          'set-cookie',
          sessionCookie(req, signed.sessionSecret, d.config.sessionTtlMinutes * 60, d.config.allowPlainHttp),
        )
        .status(201)
        .json(answer(d, signed.operator, signed.csrfToken));
    }),
  );
  api.get(
    '/session',
    wrap(async (req, res) => {
      res.json(answer(d, signedIn(req), req.csrfToken!));
    }),
  );
  return api;
}

/** Signing out: behind the gate (a session and its CSRF token). */
export function signOutRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();
  api.delete(
    '/session',
    wrap(async (req, res) => {
      await d.operators.signOut(req.sessionSecret!, signedIn(req).operatorId);
      res.set('set-cookie', clearedSessionCookie(req, d.config.allowPlainHttp)).status(204).end();
    }),
  );
  return api;
}
