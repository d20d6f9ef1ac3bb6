// The sign-in screen: open a session (POST), read it (GET, on every page load), close it (DELETE).
import express, { type Router } from 'express';
import { AppError } from '../../../../app/errors';
import { type Operator, type OperatorSummary, withoutSecret } from '../../../../operators/operator';
import { limitBy, limiterOf, sourceOf } from '../../rate-limit';
import { body, required, text, wrap } from '../request';
import type { ConsoleApiDeps } from '../router';
import { CSRF_HEADER, clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie, signedIn } from '../session';

const signedInAnswer = (d: ConsoleApiDeps, o: Operator | OperatorSummary, csrfToken: string) => ({
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
      const answer = await d.operators.signIn(
        required(b, 'username', 40),
        required(b, 'password', 200),
        text(b, 'code', 20) ?? '',
      );
      if ('enrolment' in answer) {
        // The role needs a second factor and there is none yet: a session that can only enrol.
        res
          .set(
            'set-cookie',
            sessionCookie(req, answer.sessionSecret, answer.enrolment.expiresInSeconds, d.config.allowPlainHttp),
          )
          .status(200)
          .json({ enrolment: answer.enrolment, csrfToken: answer.csrfToken });
        return;
      }
      res
        .set(
          'set-cookie',
          sessionCookie(req, answer.sessionSecret, d.config.sessionTtlMinutes * 60, d.config.allowPlainHttp),
        )
        .status(201)
        .json(signedInAnswer(d, answer.operator, answer.csrfToken));
    }),
  );
  // The first code from the authenticator app completes the enrolment and signs in (a new cookie).
  api.post(
    '/session/totp',
    perSource,
    wrap(async (req, res) => {
      const secret = readCookie(req, SESSION_COOKIE);
      if (!secret) throw new AppError('unauthenticated', 'sign in first');
      const done = await d.operators.confirmEnrolment(secret, req.get(CSRF_HEADER), required(body(req), 'code', 20));
      res
        .set(
          'set-cookie',
          sessionCookie(req, done.sessionSecret, d.config.sessionTtlMinutes * 60, d.config.allowPlainHttp),
        )
        .status(201)
        .json({ ...signedInAnswer(d, done.operator, done.csrfToken), recoveryCodes: done.recoveryCodes });
    }),
  );
  api.get(
    '/session',
    wrap(async (req, res) => {
      res.json(signedInAnswer(d, signedIn(req), req.csrfToken!));
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
