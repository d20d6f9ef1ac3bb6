import { timingSafeEqual } from 'node:crypto';
import { containsCardNumber, verifyOperatorToken } from '@ivr/contracts';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { LiveHub } from '../../live/hub';
import type { LiveUpdate } from '../../live/live-update';
import { type DestinationPolicy, webhookUrlProblem } from '../../webhooks/destination';
import type { WebhookRepository } from '../pg/webhook-repository';

export interface NotificationHttpDeps {
  hub: LiveHub;
  webhooks: WebhookRepository;
  operatorTokenSecret: string;
  /** Shared with order-link, which serves the public webhook API and forwards here. */
  internalToken: string;
  retryWindowMs: number;
  heartbeatMs: number;
  now: () => Date;
  /** Which webhook URLs may be registered (the dispatcher checks the address again at each connection). */
  destinations: DestinationPolicy;
  onRedeliver: () => void;
  logger: { error(obj: object, msg: string): void };
}

const problem = (res: Response, status: number, title: string, detail: string, field?: string) =>
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `/problems/${title.toLowerCase().replaceAll(' ', '-')}`,
        title,
        status,
        detail,
        ...(field ? { errors: [{ in: 'body', field, message: detail }] } : {}),
      }),
    );

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * notification's HTTP server: the operators' live stream (SSE) and the internal webhook API that
 * order-link's public /v1/webhook-endpoints forwards to.
 */
export function createNotificationHttp(d: NotificationHttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  // Server-Sent Events, one stream per connected screen of an authenticated operator.
  app.get('/v1/live', (req: Request, res: Response) => {
    const header = req.get('authorization');
    const token = header?.startsWith('Bearer ')
      ? header.slice(7)
      : typeof req.query.access_token === 'string'
        ? req.query.access_token
        : '';
    const operatorId = token ? verifyOperatorToken(d.operatorTokenSecret, token, d.now()) : null;
    if (!operatorId) return problem(res, 401, 'Unauthenticated', 'a valid operator token is required');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected as operator ${operatorId}\n\n`);
    const send = (u: LiveUpdate) => res.write(`id: ${u.eventId}\nevent: ${u.type}\ndata: ${JSON.stringify(u)}\n\n`);
    const unsubscribe = d.hub.subscribe(operatorId, { send });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), d.heartbeatMs);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  const internal = express.Router();
  internal.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    if (!d.internalToken || !sameSecret(header, `Bearer ${d.internalToken}`)) {
      return problem(res, 401, 'Unauthenticated', 'internal API: service token required');
    }
    next();
  });
  internal.use(express.json({ limit: 16 * 1024 }));
  const system = (req: Request) => String(req.params.orderSystem);

  internal.post('/order-systems/:orderSystem/webhook-endpoints', async (req: Request, res: Response) => {
    const { url, description } = (req.body ?? {}) as { url?: unknown; description?: unknown };
    if (typeof url !== 'string' || url.length > 2048)
      return problem(res, 400, 'Validation', 'url must be a URL', 'url');
    const urlProblem = webhookUrlProblem(url, d.destinations);
    if (urlProblem) return problem(res, 400, 'Validation', `url ${urlProblem}`, 'url');
    if (description !== undefined && (typeof description !== 'string' || description.length > 200)) {
      return problem(res, 400, 'Validation', 'description must be a string of at most 200 characters', 'description');
    }
    // order-link refuses these first; this service stores them, so it checks too (security-audit item 4).
    for (const [field, value] of Object.entries({ url, description }))
      if (typeof value === 'string' && containsCardNumber(value))
        return problem(res, 400, 'Validation', `${field} must not contain a card number`, field);
    res.status(201).json(await d.webhooks.createEndpoint(system(req), url, description ?? '', d.now()));
  });
  internal.get('/order-systems/:orderSystem/webhook-endpoints', async (req: Request, res: Response) => {
    res.json({ data: await d.webhooks.listEndpoints(system(req)) });
  });
  internal.delete('/order-systems/:orderSystem/webhook-endpoints/:endpointId', async (req: Request, res: Response) => {
    const ok = await d.webhooks.disableEndpoint(system(req), String(req.params.endpointId), d.now());
    if (!ok) return problem(res, 404, 'Not Found', 'no such webhook endpoint');
    res.status(204).end();
  });
  internal.get(
    '/order-systems/:orderSystem/webhook-endpoints/:endpointId/deliveries',
    async (req: Request, res: Response) => {
      const limit = Math.min(100, Math.max(1, Number(req.query.limit ?? 20) || 20));
      res.json({ data: await d.webhooks.listDeliveries(system(req), String(req.params.endpointId), limit) });
    },
  );
  internal.post(
    '/order-systems/:orderSystem/webhook-deliveries/:deliveryId/redeliver',
    async (req: Request, res: Response) => {
      const ok = await d.webhooks.redeliver(system(req), String(req.params.deliveryId), d.now(), d.retryWindowMs);
      if (!ok) return problem(res, 404, 'Not Found', 'no such webhook delivery');
      d.onRedeliver();
      res.status(202).json({ deliveryId: req.params.deliveryId, status: 'pending' });
    },
  );
  app.use('/internal/v1', internal);

  app.use((_req: Request, res: Response) => problem(res, 404, 'Not Found', 'no such operation'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return problem(res, 400, 'Malformed JSON', 'the body is not valid JSON');
    if (e.status && e.status < 500) return problem(res, e.status, 'Bad Request', 'the request could not be read');
    d.logger.error({ error: e.message }, 'unhandled error in request');
    problem(res, 500, 'Internal', 'an unexpected error occurred');
  });
  return app;
}
