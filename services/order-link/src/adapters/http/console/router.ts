import { randomUUID } from 'node:crypto';
import { isLanguage, LANGUAGES, PAYMENT_MODES, PAYMENT_STATUSES, type PaymentMode } from '@ivr/contracts';
import type { EventStore } from '@ivr/eventstore';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ApiKeysApp } from '../../../app/api-keys-app';
import { AppError } from '../../../app/errors';
import type { PaymentsApp } from '../../../app/payments-app';
import { ALL_SCOPES, type Clock, type Principal, Scopes } from '../../../app/ports';
import type { WebhooksApp } from '../../../app/webhooks-app';
import type { OperatorProfile, Role } from '../../../operators/operator';
import type { Acting, OperatorsApp, ProfileChange } from '../../../operators/operators-app';
import type { PaymentStatus } from '../../../payment';
import type { ApiKeyRepository } from '../../pg/api-keys';
import { type ConsoleQueries, listAllApiKeys, type Viewer } from '../../pg/console-queries';
import { withoutSecret } from '../../pg/operator-store';
import { paymentStreamId } from '../../pg/payment-store';
import { refuseCardNumbers } from '../free-text';
import { problem, sendProblem } from '../problems';
import type { ConsoleConfig } from './config';
import { operatorToken, relayLive } from './live';
import type { NotificationClient } from './notification-client';
import { eventDataForScreen, paymentForScreen } from './redact';
import { loadSession, requireAdmin, requireCsrf, SESSION_COOKIE, sameOrigin, sessionCookie, signedIn } from './session';

export interface ConsoleApiDeps {
  config: ConsoleConfig;
  operators: OperatorsApp;
  payments: PaymentsApp;
  apiKeys: ApiKeysApp;
  keyRepository: ApiKeyRepository;
  queries: ConsoleQueries;
  store: EventStore;
  webhooks: WebhooksApp;
  notification: NotificationClient;
  clock: Clock;
  pool: import('pg').Pool;
  schema: string;
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

type Body = Record<string, unknown>;
/** Console fields that are identifiers, addresses or secrets rather than free text. */
const CONSOLE_NOT_FREE_TEXT: ReadonlySet<string> = new Set([
  'orderId',
  'returnSipAddress',
  'sipAddress',
  'idempotencyKey',
  'password',
]);
const body = (req: Request): Body => (req.body && typeof req.body === 'object' ? (req.body as Body) : {});
const text = (b: Body, field: string, max = 200): string | undefined => {
  const v = b[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw new AppError('invalid', `${field} must be text of at most ${max} characters`, [
      { in: 'body', field, message: `at most ${max} characters` },
    ]);
  return v;
};
const required = (b: Body, field: string, max = 200): string => {
  const v = text(b, field, max);
  if (v === undefined)
    throw new AppError('invalid', `${field} is required`, [{ in: 'body', field, message: 'required' }]);
  return v;
};
const fieldError = (field: string, message: string) =>
  new AppError('invalid', `${field}: ${message}`, [{ in: 'body', field, message }]);

const viewerOf = (o: { operatorId: string; role: Role; team: string | null }): Viewer => ({
  operatorId: o.operatorId,
  role: o.role,
  team: o.team,
});
const acting = (o: { operatorId: string; role: Role }): Acting => ({ actor: `operator:${o.operatorId}`, role: o.role });

/** The console's JSON API under /console/api: session, payments, live stream, administration. */
export function consoleApi(d: ConsoleApiDeps): Router {
  const api = express.Router();
  const wrap =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response, next: NextFunction): void => {
      fn(req, res).catch(next);
    };
  api.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  api.use(express.json({ limit: 16 * 1024 }));
  api.use(sameOrigin);
  api.use(loadSession(d.operators));

  const sessionAnswer = (
    o: Parameters<typeof withoutSecret>[0] | ReturnType<typeof withoutSecret>,
    csrfToken: string,
  ) => ({
    operator: 'passwordHash' in o ? withoutSecret(o) : o,
    csrfToken,
    ivrSipAddress: d.config.ivrSipAddress,
  });

  api.post(
    '/session',
    wrap(async (req, res) => {
      const b = body(req);
      const signed = await d.operators.signIn(required(b, 'username', 40), required(b, 'password', 200));
      res
        .set('set-cookie', sessionCookie(req, signed.sessionSecret, d.config.sessionTtlMinutes * 60))
        .status(201)
        .json(sessionAnswer(signed.operator, signed.csrfToken));
    }),
  );
  api.get(
    '/session',
    wrap(async (req, res) => {
      const o = signedIn(req);
      res.json(sessionAnswer(o, req.csrfToken!));
    }),
  );

  // Everything below needs a session, and its CSRF token when it changes something.
  api.use((req, _res, next) => {
    signedIn(req);
    next();
  });
  api.use(requireCsrf);
  // Operators' free text never holds a card number (docs/security-audit.md, item 4).
  api.use(refuseCardNumbers(CONSOLE_NOT_FREE_TEXT));

  api.delete(
    '/session',
    wrap(async (req, res) => {
      await d.operators.signOut(req.sessionSecret!, signedIn(req).operatorId);
      res
        .set('set-cookie', `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`)
        .status(204)
        .end();
    }),
  );

  const principalFor = (o: { operatorId: string }, orderSystem: string): Principal => ({
    actor: { kind: 'operator', id: o.operatorId },
    orderSystem,
    scopes: new Set([Scopes.paymentsRead, Scopes.paymentsWrite]),
  });

  api.post(
    '/payments',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const b = body(req);
      const orderId = required(b, 'orderId', 64);
      if (!/^[A-Za-z0-9._:#/-]+$/.test(orderId)) throw fieldError('orderId', 'letters, digits and . _ : # / - only');
      const amount = b.amount;
      if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || amount > 99_999_999_999)
        throw fieldError('amount', 'a whole number of minor units (yen, cents)');
      const currency = required(b, 'currency', 3);
      if (!/^[A-Z]{3}$/.test(currency)) throw fieldError('currency', 'three capital letters, e.g. JPY');
      const mode = required(b, 'mode', 20) as PaymentMode;
      if (!PAYMENT_MODES.includes(mode)) throw fieldError('mode', PAYMENT_MODES.join(', '));
      if (amount === 0 && mode !== 'REGISTER_CARD') throw fieldError('amount', 'must be more than 0');
      const language = required(b, 'language', 2);
      if (!isLanguage(language)) throw fieldError('language', LANGUAGES.join(' or '));
      const returnSipAddress = text(b, 'returnSipAddress', 256) ?? o.sipAddress;
      if (!/^sips?:[^\s<>"]+$/.test(returnSipAddress))
        throw fieldError('returnSipAddress', 'a SIP URI such as sip:operator-12@pbx.example.com');
      const key = text(b, 'idempotencyKey', 100) ?? randomUUID();
      const answer = await d.payments.create(principalFor(o, d.config.orderSystem), `console:${o.operatorId}:${key}`, {
        orderId,
        amount,
        currency,
        description: text(b, 'description', 200) ?? '',
        mode,
        language,
        returnSipAddress,
        threeWay: b.threeWay === true,
        metadata: { operatorId: o.operatorId },
      });
      const found = await d.queries.get(viewerOf(o), answer.body.paymentId);
      if (!found) throw new AppError('not_found', 'the payment was created but cannot be read yet');
      res.status(answer.status).json(paymentForScreen(found));
    }),
  );

  api.get(
    '/payments',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const q = req.query as Record<string, string | undefined>;
      const date = (field: string, v: string | undefined) => {
        if (!v) return undefined;
        const t = Date.parse(v);
        if (Number.isNaN(t))
          throw new AppError('invalid', `${field} is not a date`, [{ in: 'query', field, message: 'not a date' }]);
        return new Date(t);
      };
      const status = q.status as PaymentStatus | undefined;
      if (status && !PAYMENT_STATUSES.includes(status))
        throw new AppError('invalid', 'unknown status', [
          { in: 'query', field: 'status', message: PAYMENT_STATUSES.join(', ') },
        ]);
      const from = date('from', q.from);
      const to = date('to', q.to);
      const rows = await d.queries.search(viewerOf(o), {
        ...(q.orderId ? { orderId: q.orderId.trim() } : {}),
        ...(status ? { status } : {}),
        ...(q.operatorId ? { operatorId: q.operatorId } : {}),
        ...(from ? { createdFrom: from } : {}),
        // A date without a time means the whole day.
        ...(to ? { createdTo: /^\d{4}-\d{2}-\d{2}$/.test(q.to ?? '') ? new Date(to.getTime() + 86_400_000) : to } : {}),
        limit: 100,
      });
      res.json({ data: rows.map(paymentForScreen) });
    }),
  );

  api.get(
    '/payments/:paymentId',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const paymentId = String(req.params.paymentId);
      const found = await d.queries.get(viewerOf(o), paymentId);
      if (!found) throw new AppError('not_found', `payment ${paymentId} not found`);
      // Opening a payment is itself part of its audit trail (the screen's own refreshes are not).
      if (req.query.refresh !== '1')
        await d.store.append(
          `payment-audit-${paymentId}`,
          'any',
          [
            {
              type: 'PaymentViewed',
              data: {
                paymentId,
                by: { kind: 'operator', id: o.operatorId },
                via: 'console',
                at: d.clock.now().toISOString(),
              },
            },
          ],
          { streamType: 'PaymentAudit', metadata: { actor: `operator:${o.operatorId}` } },
        );
      const events = [
        ...(await d.store.readStream(paymentStreamId(paymentId))),
        ...(await d.store.readStream(`payment-audit-${paymentId}`)),
      ]
        .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.globalPosition - b.globalPosition)
        .map((e) => ({
          type: e.type,
          at: e.recordedAt.toISOString(),
          actor: e.metadata.actor ?? null,
          data: eventDataForScreen(e.type, e.data),
        }));
      // Operators by name rather than id, for the people who read the trail.
      const names = new Map(
        (await d.operators.list({ actor: 'console', role: 'admin' })).map((x) => [
          `operator:${x.operatorId}`,
          x.displayName,
        ]),
      );
      for (const e of events) if (e.actor && names.has(e.actor)) e.actor = `${names.get(e.actor)} (${e.actor})`;
      res.json({ payment: paymentForScreen(found), timeline: events });
    }),
  );

  api.post(
    '/payments/:paymentId/cancel',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const paymentId = String(req.params.paymentId);
      const found = await d.queries.get(viewerOf(o), paymentId);
      if (!found) throw new AppError('not_found', `payment ${paymentId} not found`);
      await d.payments.cancel(
        principalFor(o, found.payment.request.orderSystem),
        paymentId,
        text(body(req), 'reason', 200),
      );
      const after = await d.queries.get(viewerOf(o), paymentId);
      res.json(paymentForScreen(after ?? found));
    }),
  );

  api.get('/live', (req, res) => {
    const o = signedIn(req);
    void relayLive(
      req,
      res,
      d.notification,
      operatorToken(d.config.operatorTokenSecret, o.operatorId, d.clock.now()),
      d.logger,
    );
  });

  // Operators: supervisors read (their team), admins manage.
  api.get(
    '/operators',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const all = await d.operators.list(acting(o));
      res.json({ data: o.role === 'admin' ? all : all.filter((x) => x.team !== null && x.team === o.team) });
    }),
  );
  api.post(
    '/operators',
    wrap(async (req, res) => {
      const o = requireAdmin(req);
      const b = body(req);
      const profile: OperatorProfile = {
        username: required(b, 'username', 40),
        displayName: required(b, 'displayName', 80),
        role: required(b, 'role', 20) as Role,
        team: text(b, 'team', 40) ?? null,
        sipAddress: text(b, 'sipAddress', 256) ?? '',
      };
      res.status(201).json(await d.operators.create(acting(o), profile, required(b, 'password', 200)));
    }),
  );
  api.patch(
    '/operators/:operatorId',
    wrap(async (req, res) => {
      const o = requireAdmin(req);
      const b = body(req);
      const change: ProfileChange = {};
      for (const f of ['displayName', 'role', 'sipAddress', 'password'] as const) {
        const v = text(b, f, f === 'sipAddress' ? 256 : 200);
        if (v !== undefined) (change as Record<string, unknown>)[f] = v;
      }
      if ('team' in b) change.team = text(b, 'team', 40) ?? null;
      if (typeof b.disabled === 'boolean') change.disabled = b.disabled;
      if (b.unlock === true) change.unlock = true;
      res.json(await d.operators.change(acting(o), String(req.params.operatorId), change));
    }),
  );
  api.get(
    '/operators/:operatorId/history',
    wrap(async (req, res) => {
      const o = requireAdmin(req);
      res.json({ data: await d.operators.history(acting(o), String(req.params.operatorId)) });
    }),
  );

  // API keys of order systems (admin).
  api.get(
    '/api-keys',
    wrap(async (req, res) => {
      requireAdmin(req);
      res.json({ data: await listAllApiKeys(d.pool, d.schema), scopes: ALL_SCOPES });
    }),
  );
  api.post(
    '/api-keys',
    wrap(async (req, res) => {
      const o = requireAdmin(req);
      const b = body(req);
      const orderSystem = required(b, 'orderSystem', 64);
      if (!/^[A-Za-z0-9._-]+$/.test(orderSystem))
        throw fieldError('orderSystem', 'letters, digits, dot, dash, underscore');
      const scopes = Array.isArray(b.scopes)
        ? b.scopes.filter((s): s is string => typeof s === 'string')
        : [...ALL_SCOPES];
      const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0 || scopes.length === 0) throw fieldError('scopes', `choose from ${ALL_SCOPES.join(', ')}`);
      res
        .status(201)
        .json(await d.apiKeys.issue(orderSystem, required(b, 'name', 100), scopes, `operator:${o.operatorId}`));
    }),
  );
  api.delete(
    '/api-keys/:orderSystem/:keyId',
    wrap(async (req, res) => {
      requireAdmin(req);
      const revoked = await d.keyRepository.revoke(
        String(req.params.orderSystem),
        String(req.params.keyId),
        d.clock.now(),
      );
      if (!revoked) throw new AppError('not_found', 'no such API key');
      res.json(revoked);
    }),
  );

  // Webhook endpoints, their delivery log and redelivery (admin), through order-link's webhook API
  // (WebhooksApp forwards to notification) acting for the chosen order system.
  const forSystem = (req: Request): Principal => {
    const o = requireAdmin(req);
    return {
      actor: { kind: 'operator', id: o.operatorId },
      orderSystem: String(req.params.orderSystem),
      scopes: new Set([Scopes.webhooksManage]),
    };
  };
  const answer = async (res: Response, call: Promise<{ status: number; body: unknown }>) => {
    const { status, body: out } = await call;
    if (out === null) res.status(status).end();
    else res.status(status).json(out);
  };
  api.get('/webhooks/:orderSystem', (req, res) => answer(res, d.webhooks.list(forSystem(req))));
  api.post('/webhooks/:orderSystem', (req, res) => {
    const b = body(req);
    const url = required(b, 'url', 2048);
    const description = text(b, 'description', 200);
    return answer(res, d.webhooks.create(forSystem(req), { url, ...(description ? { description } : {}) }));
  });
  api.delete('/webhooks/:orderSystem/:endpointId', (req, res) =>
    answer(res, d.webhooks.disable(forSystem(req), String(req.params.endpointId))),
  );
  api.get('/webhooks/:orderSystem/:endpointId/deliveries', (req, res) =>
    answer(res, d.webhooks.deliveries(forSystem(req), String(req.params.endpointId), 50)),
  );
  api.post('/webhook-deliveries/:orderSystem/:deliveryId/redeliver', (req, res) =>
    answer(res, d.webhooks.redeliver(forSystem(req), String(req.params.deliveryId))),
  );

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
