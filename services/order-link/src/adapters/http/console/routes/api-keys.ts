// The API keys screen (admins): every order system's keys, issue one (shown once), revoke.
import express, { type Router } from 'express';
import { ALL_SCOPES } from '../../../../app/ports';
import { body, fieldError, required, wrap } from '../request';
import type { ConsoleApiDeps } from '../router';
import { requireAdmin } from '../session';

export function apiKeyRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();
  api.get(
    '/api-keys',
    wrap(async (req, res) => {
      requireAdmin(req);
      res.json({ data: await d.apiKeys.listAll(), scopes: ALL_SCOPES });
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
      res.json(await d.apiKeys.revokeOf(String(req.params.orderSystem), String(req.params.keyId)));
    }),
  );
  return api;
}
