import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ApiKeysApp } from '../../app/api-keys-app';
import { AppError } from '../../app/errors';
import type { OperationsApp } from '../../app/operations-app';
import type { ListInput, PaymentsApp } from '../../app/payments-app';
import type { PspAccountsApp } from '../../app/psp-accounts-app';
import type { WebhooksApp } from '../../app/webhooks-app';
import type { IdempotencyRepository } from '../pg/idempotency';
import { lifecycleRoutes } from './routes-lifecycle';

export interface RouteDeps {
  payments: PaymentsApp;
  operations: OperationsApp;
  apiKeys: ApiKeysApp;
  webhooks: WebhooksApp;
  pspAccounts: PspAccountsApp;
  idempotency: IdempotencyRepository;
  /** Records an answer for an operation that is idempotent by itself. */
  rememberAnswer: (
    orderSystem: string,
    key: string,
    methodPath: string,
    requestSha256: string,
    status: number,
    body: unknown,
  ) => Promise<void>;
}

export interface Route {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path syntax (`{id}`); the router converts it. */
  path: string;
  operationId: string;
  handle: (req: Request, res: Response, d: RouteDeps) => Promise<void>;
}

const principal = (req: Request) => {
  if (!req.principal) throw new AppError('unauthenticated', 'a valid API key is required');
  return req.principal;
};
const param = (req: Request, name: string): string => String(req.params[name]);
const header = (req: Request, name: string): string => String(req.get(name));
const bodySha = (body: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(body ?? {}))
    .digest('hex');

/**
 * What an answer is remembered as: without the secret shown once (a new API key, a webhook signing
 * secret), which must never sit in the idempotency table. A replay answers this, and so tells the
 * caller what was made but not its secret.
 */
function withoutSecret(body: unknown, shownOnce: string | undefined): unknown {
  if (!shownOnce || body === null || typeof body !== 'object') return body;
  const { [shownOnce]: _secret, ...rest } = body as Record<string, unknown>;
  return rest;
}

/**
 * POST operations other than create (which records its answer in its own transaction): replay an
 * earlier answer for the same key and body, refuse the same key with another body, else run and remember.
 * The operation's scope was checked before (server.ts), so a replay never reaches a key without it.
 * `shownOnce` names a field of the answer that holds a secret: it is left out of what is remembered.
 */
async function idempotent(
  req: Request,
  res: Response,
  d: RouteDeps,
  methodPath: string,
  run: () => Promise<{ status: number; body: unknown }>,
  shownOnce?: string,
): Promise<void> {
  const who = principal(req);
  const key = header(req, 'Idempotency-Key');
  const sha = bodySha(req.body);
  const earlier = await d.idempotency.find(who.orderSystem, key);
  if (earlier) {
    if (earlier.methodPath !== methodPath || earlier.requestSha256 !== sha) {
      throw new AppError('idempotency_mismatch', 'this Idempotency-Key was already used with a different request', [
        { in: 'header', field: 'Idempotency-Key', message: 'reused with a different request' },
      ]);
    }
    res.status(earlier.status).set('Idempotency-Replayed', 'true').json(earlier.response);
    return;
  }
  const answer = await run();
  await d.rememberAnswer(who.orderSystem, key, methodPath, sha, answer.status, withoutSecret(answer.body, shownOnce));
  res.status(answer.status).json(answer.body);
}

/** Every operation of the API; each operationId must exist in openapi.ts (checked by a test). */
export const routes: Route[] = [
  {
    method: 'post',
    path: '/v1/payments',
    operationId: 'createPayment',
    handle: async (req, res, d) => {
      const answer = await d.payments.create(principal(req), header(req, 'Idempotency-Key'), req.body);
      if (answer.replayed) res.set('Idempotency-Replayed', 'true');
      res.status(answer.status).location(`/v1/payments/${answer.body.paymentId}`).json(answer.body);
    },
  },
  {
    method: 'get',
    path: '/v1/payments',
    operationId: 'listPayments',
    handle: async (req, res, d) => {
      const q = req.query as unknown as Partial<ListInput>;
      res.json(await d.payments.list(principal(req), { ...q, limit: q.limit ?? 20 }, 'rest'));
    },
  },
  {
    method: 'get',
    path: '/v1/payments/{paymentId}',
    operationId: 'getPayment',
    handle: async (req, res, d) => {
      res.json(await d.payments.get(principal(req), param(req, 'paymentId'), 'rest'));
    },
  },
  {
    method: 'post',
    path: '/v1/payments/{paymentId}/cancel',
    operationId: 'cancelPayment',
    handle: (req, res, d) =>
      idempotent(req, res, d, `POST /v1/payments/${param(req, 'paymentId')}/cancel`, async () => ({
        status: 200,
        body: await d.payments.cancel(
          principal(req),
          param(req, 'paymentId'),
          (req.body as { reason?: string } | undefined)?.reason,
        ),
      })),
  },
  {
    method: 'get',
    path: '/v1/orders/{orderId}/payment',
    operationId: 'findPaymentByOrderId',
    handle: async (req, res, d) => {
      res.json(await d.payments.findByOrderId(principal(req), param(req, 'orderId'), 'rest'));
    },
  },
  {
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createApiKey',
    handle: (req, res, d) =>
      idempotent(
        req,
        res,
        d,
        'POST /v1/api-keys',
        async () => {
          const { name, scopes } = req.body as { name: string; scopes: string[] };
          return { status: 201, body: await d.apiKeys.create(principal(req), name, scopes) };
        },
        'key',
      ),
  },
  {
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    handle: async (req, res, d) => {
      res.json({ data: await d.apiKeys.list(principal(req)) });
    },
  },
  {
    method: 'delete',
    path: '/v1/api-keys/{keyId}',
    operationId: 'revokeApiKey',
    handle: async (req, res, d) => {
      res.json(await d.apiKeys.revoke(principal(req), param(req, 'keyId')));
    },
  },
  {
    method: 'get',
    path: '/v1/psp-account',
    operationId: 'getPspAccount',
    handle: async (req, res, d) => {
      res.json(await d.pspAccounts.get(principal(req)));
    },
  },
  {
    method: 'post',
    path: '/v1/psp-account',
    operationId: 'setPspAccount',
    handle: (req, res, d) =>
      // The answer holds no credentials; the request's only as its SHA-256 (idempotency).
      idempotent(req, res, d, 'POST /v1/psp-account', async () => ({
        status: 200,
        body: await d.pspAccounts.set(principal(req), req.body),
      })),
  },
  {
    method: 'delete',
    path: '/v1/psp-account',
    operationId: 'unsetPspAccount',
    handle: async (req, res, d) => {
      res.json(await d.pspAccounts.unset(principal(req)));
    },
  },
  {
    method: 'post',
    path: '/v1/webhook-endpoints',
    operationId: 'createWebhookEndpoint',
    handle: (req, res, d) =>
      idempotent(
        req,
        res,
        d,
        'POST /v1/webhook-endpoints',
        () => d.webhooks.create(principal(req), req.body),
        'secret',
      ),
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    handle: async (req, res, d) => {
      res.json((await d.webhooks.list(principal(req))).body);
    },
  },
  {
    method: 'delete',
    path: '/v1/webhook-endpoints/{endpointId}',
    operationId: 'disableWebhookEndpoint',
    handle: async (req, res, d) => {
      await d.webhooks.disable(principal(req), param(req, 'endpointId'));
      res.status(204).end();
    },
  },
  {
    method: 'get',
    path: '/v1/webhook-endpoints/{endpointId}/deliveries',
    operationId: 'listWebhookDeliveries',
    handle: async (req, res, d) => {
      const limit = Number((req.query as { limit?: number }).limit ?? 20);
      res.json((await d.webhooks.deliveries(principal(req), param(req, 'endpointId'), limit)).body);
    },
  },
  {
    method: 'post',
    path: '/v1/webhook-deliveries/{deliveryId}/redeliver',
    operationId: 'redeliverWebhook',
    handle: (req, res, d) =>
      idempotent(req, res, d, `POST /v1/webhook-deliveries/${param(req, 'deliveryId')}/redeliver`, () =>
        d.webhooks.redeliver(principal(req), param(req, 'deliveryId')),
      ),
  },
];

routes.push(...lifecycleRoutes);

/** `/v1/payments/{paymentId}` → `/v1/payments/:paymentId` */
export const expressPath = (openApiPath: string): string => openApiPath.replace(/\{(\w+)\}/g, ':$1');
