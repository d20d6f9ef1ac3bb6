import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type Response } from 'express';
import type { ConsoleApiDeps } from './router';
import { consoleApi } from './router';

export { loadConsoleConfig } from './config';
export { NotificationClient } from './notification-client';

/**
 * Strict CSP for the console: only this origin's scripts, styles and connections; no inline code, no
 * framing, no external fonts or CDNs (call centres are often cut off from the internet).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secure(res: Response): void {
  res.set({
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  });
}

/** Mounts the console (static assets built by Vite, and its API) under /console on order-link's HTTP app. */
export function mountConsole(app: Express, deps: ConsoleApiDeps, assetsDir: string): void {
  app.get('/', (_req, res) => res.redirect(302, '/console/'));
  app.use('/console', (_req, res, next) => {
    secure(res);
    next();
  });
  app.use('/console/api', consoleApi(deps));
  if (!existsSync(join(assetsDir, 'index.html'))) {
    app.get(['/console', '/console/'], (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `make build` (or `node scripts/build-services.mjs`).');
    });
    return;
  }
  // Express matches /console/ to a '/console' route too, so look at the URL itself.
  app.get('/console', (req, res, next) => (req.originalUrl === '/console' ? res.redirect(301, '/console/') : next()));
  app.use(
    '/console',
    express.static(assetsDir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res, path) => {
        // Hashed file names never change; the page itself is always revalidated.
        res.set(
          'cache-control',
          path.includes(`${join(assetsDir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
}
