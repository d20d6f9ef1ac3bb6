import { httpServerSpans } from '@ivr/telemetry';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError, type FieldProblem } from '../../app/errors';
import { removedOptionProblem } from '../../app/removed-options';
import type { ApiKeyRepository } from '../pg/api-keys';
import { apiKeyAuth, operationScopes, requireScope } from './auth';
import { NO_NUL, textProblems } from './free-text';
import { openApiDocument } from './openapi';
import { problem, sendProblem } from './problems';
import { limitBy, limiterOf, sourceOf } from './rate-limit';
import { renderReferencePage } from './reference-page';
import { expressPath, type RouteDeps, routes } from './routes';
import { compileValidators } from './validation';

export interface HttpLogger {
  error(obj: object, msg: string): void;
}

export const MAX_BODY_BYTES = 64 * 1024;

/** Requests a minute per API key and per source address (0 = no limit; each replica counts its own). */
export interface RestRateLimits {
  perKeyPerMinute: number;
  perSourcePerMinute: number;
  /** The limiters' clock (tests). */
  now?: () => number;
}

/** The REST API v1: JSON in, JSON or problem details out; never a 5xx for bad input. */
export function createHttpApp(
  deps: RouteDeps & { keyRepository: ApiKeyRepository; logger: HttpLogger; rateLimits?: RestRateLimits },
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const validators = compileValidators(openApiDocument);
  const referencePage = renderReferencePage(openApiDocument);
  const documentJson = JSON.stringify(openApiDocument);

  // A SERVER span per request, continuing the order system's traceparent into the payment (the
  // event store keeps it with each event, Kafka carries it on). Method, route template and status only.
  app.use(httpServerSpans({ route: (req) => (req as Request).route?.path }));

  app.get('/v1/openapi.json', (_req, res) => {
    res.type('application/json').send(documentJson);
  });
  app.get(['/docs', '/docs/'], (_req, res) => {
    res
      .type('text/html')
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(referencePage);
  });

  // Per source first, before the key is even looked up (guessing keys costs requests); per key
  // right after authentication (server-side work of one order system). 429 + Retry-After.
  const limits = deps.rateLimits;
  app.use(
    limitBy(
      limiterOf(limits?.perSourcePerMinute ?? 0, limits?.now),
      (req) => `source:${sourceOf(req.ip)}`,
      'from this address',
    ),
  );
  const perKey = limitBy(
    limiterOf(limits?.perKeyPerMinute ?? 0, limits?.now),
    (req) => (req.principal ? `key:${req.principal.actor.id}` : null),
    'with this API key',
  );

  // Content type is checked before parsing so that a wrong one gets 415, not a confusing 400.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if ((hasBody || chunked) && !req.is('application/json')) {
      throw Object.assign(new Error('unsupported media type'), { problemKind: 'media_type' as const });
    }
    next();
  });
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true, type: 'application/json' }));
  const auth = apiKeyAuth(deps.keyRepository);
  const scopes = operationScopes(openApiDocument);

  for (const route of routes) {
    const validator = validators.get(route.operationId);
    if (!validator) throw new Error(`route ${route.operationId} is not in the OpenAPI document`);
    const scope = requireScope(scopes.get(route.operationId) ?? '');
    app[route.method](expressPath(route.path), auth, perKey, scope, async (req: Request, res: Response) => {
      const input = { body: req.body, query: req.query as Record<string, unknown>, params: req.params };
      const found = [...nulCharacters(input), ...validator.check({ ...input, headers: req.headers })];
      if (found.length > 0) {
        const removed = found.find((p) => p.in === 'body' && removedOptionProblem(p.field, 'rest'));
        throw new AppError('invalid', removed?.message ?? `${found.length} field(s) are invalid`, found);
      }
      await route.handle(req, res, deps);
    });
  }

  app.use((req: Request, res: Response) => {
    sendProblem(res, problem('route', `no operation ${req.method} ${req.path}; see /docs`, req.originalUrl));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AppError) return sendProblem(res, problem(err.kind, err.message, req.originalUrl, err.fields));
    const e = err as { type?: string; status?: number; problemKind?: 'media_type' };
    if (e.problemKind)
      return sendProblem(res, problem(e.problemKind, 'send the body as application/json', req.originalUrl));
    if (e.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        problem('malformed_json', 'the body could not be parsed as JSON', req.originalUrl, [
          { in: 'body', field: '(body)', message: 'malformed JSON' },
        ]),
      );
    }
    if (e.type === 'entity.too.large') {
      return sendProblem(res, problem('too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`, req.originalUrl));
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      return sendProblem(res, problem('invalid', 'the request could not be read', req.originalUrl));
    }
    deps.logger.error({ err: (err as Error).message, path: req.path }, 'unhandled error in request');
    sendProblem(res, problem('internal', 'an unexpected error occurred; it has been logged', req.originalUrl));
  });
  return app;
}

/** U+0000 anywhere in body, query or path: refused as bad input, naming the field (free-text.ts). */
function nulCharacters(input: Record<'body' | 'query' | 'params', unknown>): FieldProblem[] {
  return [
    ...textProblems(input.body, 'body', NO_NUL),
    ...textProblems(input.query, 'query', NO_NUL),
    ...textProblems(input.params, 'path', NO_NUL),
  ];
}
