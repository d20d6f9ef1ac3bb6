import { Router as createRouter, json, type Router } from 'express';
import type { SimulatorContext } from '../context';
import { parseFault } from '../faults';

/**
 * Test controls under /_sim (JSON, no API key, never subject to faults):
 * POST /_sim/faults, GET /_sim/faults, DELETE /_sim/faults, GET /_sim/charges, GET /_sim/ledger, POST /_sim/reset.
 */
export function simRoutes(ctx: SimulatorContext): Router {
  const router = createRouter();
  router.use(json({ limit: '16kb' }));
  router.post('/faults', (req, res) => {
    const parsed = parseFault(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: { type: 'invalid_request_error', message: parsed.error } });
      return;
    }
    ctx.faults.add(parsed.rule);
    res.status(201).json(parsed.rule);
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: ctx.faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.status(204).end();
  });
  router.get('/charges', (_req, res) => {
    res.json(ctx.store.chargeCounts());
  });
  router.get('/ledger', (_req, res) => {
    res.json({ byPaymentId: ctx.store.ledger() });
  });
  router.post('/reset', (_req, res) => {
    ctx.store.reset();
    ctx.idempotency.clear();
    ctx.faults.clear();
    res.status(204).end();
  });
  return router;
}
