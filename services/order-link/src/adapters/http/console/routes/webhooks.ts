// The webhooks screen (admins): endpoints of an order system, their delivery log and redelivery,
// through order-link's webhook use cases (WebhooksApp forwards to notification) acting for the
// chosen order system.
import express, { type Request, type Response, type Router } from 'express';
import { type Principal, Scopes } from '../../../../app/ports';
import { body, required, text } from '../request';
import type { ConsoleApiDeps } from '../router';
import { requireAdmin } from '../session';

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

export function webhookRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();
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
  return api;
}
