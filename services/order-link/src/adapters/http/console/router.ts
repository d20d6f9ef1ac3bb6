// The console's JSON API under /console/api, one module per screen (routes/*.ts), as the REST API's
// routes.ts table is per resource. This file puts them in order behind the session gate and answers
// errors as problem details.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ApiKeysApp } from '../../../app/api-keys-app';
import { AppError } from '../../../app/errors';
import type { OperationsApp } from '../../../app/operations-app';
import type { OperatorsApp } from '../../../app/operators-app';
import type { PaymentsApp } from '../../../app/payments-app';
import type { Clock } from '../../../app/ports';
import type { WebhooksApp } from '../../../app/webhooks-app';
import type { ConsoleQueries } from '../../pg/console-queries';
import type { PaymentAudit } from '../../pg/payment-audit';
import { refuseCardNumbers } from '../free-text';
import { consoleProblem as problem, sendProblem } from '../problems';
import type { ConsoleConfig } from './config';
import type { NotificationClient } from './notification-client';
import { apiKeyRoutes } from './routes/api-keys';
import { operatorRoutes } from './routes/operators';
import { paymentRoutes } from './routes/payments';
import { sessionRoutes, signOutRoutes } from './routes/session';
import { webhookRoutes } from './routes/webhooks';
import { loadSession, requireCsrf, sameOrigin, signedIn } from './session';

export interface ConsoleApiDeps {
  config: ConsoleConfig;
  operators: OperatorsApp;
  payments: PaymentsApp;
  /** Captures, voids and refunds (supervisors and admins). */
  operations: OperationsApp;
  apiKeys: ApiKeysApp;
  queries: ConsoleQueries;
  /** Who opened which payment, and each payment's timeline. */
  audit: PaymentAudit;
  webhooks: WebhooksApp;
  notification: NotificationClient;
  clock: Clock;
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Console fields that are identifiers, addresses or secrets rather than free text. */
const CONSOLE_NOT_FREE_TEXT: ReadonlySet<string> = new Set([
  'orderId',
  'returnSipAddress',
  'sipAddress',
  'idempotencyKey',
  'password',
  'code',
]);

/** The console's JSON API: session, payments, live stream, operators, API keys, webhooks. */
export function consoleApi(d: ConsoleApiDeps): Router {
  const api = express.Router();
  api.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  api.use(express.json({ limit: 16 * 1024 }));
  api.use(sameOrigin);
  api.use(loadSession(d.operators));
  api.use(sessionRoutes(d));

  // Everything below needs a session, and its CSRF token when it changes something.
  api.use((req, _res, next) => {
    signedIn(req);
    next();
  });
  api.use(requireCsrf);
  // Operators' free text never holds a card number (docs/security-audit.md, item 4).
  api.use(refuseCardNumbers(CONSOLE_NOT_FREE_TEXT));

  api.use(signOutRoutes(d));
  api.use(paymentRoutes(d));
  api.use(operatorRoutes(d));
  api.use(apiKeyRoutes(d));
  api.use(webhookRoutes(d));

  api.use((req: Request, res: Response) =>
    sendProblem(res, problem('route', `no console operation ${req.method} ${req.path}`)),
  );
  api.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AppError) return sendProblem(res, problem(err.kind, err.message, req.originalUrl, err.fields));
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') return sendProblem(res, problem('malformed_json', 'the body is not JSON'));
    if (e.status && e.status >= 400 && e.status < 500)
      return sendProblem(res, problem('invalid', 'the request could not be read'));
    d.logger.error({ err: (err as Error).message, path: req.path }, 'unhandled error in console request');
    sendProblem(res, problem('internal', 'an unexpected error occurred; it has been logged'));
  });
  return api;
}
