import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { mountConsole } from './console';
import type { ConsoleApiDeps } from './console/router';
import { trustProxySetting } from './trusted-proxies';

export interface EntryOptions {
  /** The REST API (createHttpApp); it answers everything the console does not. */
  api: Express;
  /** The operator console, when served (main.ts always serves it). */
  console?: { deps: ConsoleApiDeps; assetsDir: string };
  /** TRUSTED_PROXIES: whose X-Forwarded-* headers say how the request reached the ingress. */
  trustedProxies: readonly string[];
  /** HSTS_MAX_AGE_SECONDS; 0 sends no Strict-Transport-Security. */
  hstsMaxAgeSeconds: number;
}

/**
 * order-link's one HTTP port: the console under /console, then the REST API. The trusted proxies
 * are set here, once, for both (the REST app inherits the setting when mounted): `req.protocol`,
 * `req.host`, `req.secure` and `req.ip` are what the client used, as the ingress reports it.
 */
export function createEntryApp(o: EntryOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(o.trustedProxies));
  if (o.hstsMaxAgeSeconds > 0) {
    // Browsers heed it only over TLS (RFC 6797 §8.1), so it is sent only then. No includeSubDomains:
    // the chart does not own the host's sibling names.
    const hsts = `max-age=${o.hstsMaxAgeSeconds}`;
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.secure) res.set('strict-transport-security', hsts);
      next();
    });
  }
  if (o.console) mountConsole(app, o.console.deps, o.console.assetsDir);
  app.use(o.api);
  return app;
}
