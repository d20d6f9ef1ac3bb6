// The operators screen: supervisors read their team, admins create, change and read the history.
import express, { type Router } from 'express';
import type { ProfileChange } from '../../../../app/operators-app';
import type { OperatorProfile, Role } from '../../../../operators/operator';
import { acting, body, required, text, wrap } from '../request';
import type { ConsoleApiDeps } from '../router';
import { requireAdmin, signedIn } from '../session';

export function operatorRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();
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
      if (b.resetMfa === true) change.resetMfa = true;
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
  return api;
}
