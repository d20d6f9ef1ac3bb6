import { json, Router, type Router as RouterType } from 'express';
import { parseGmoFault } from './faults';
import { CHARSETS, type Charset } from './form-codec';
import type { SimulatorRuntime } from './simulator';

/**
 * Test controls under /_sim (JSON, no credentials, never subject to faults): faults, the orders with their
 * ledgers and the charge counts (what a property test compares with the product's own ledger), the clock
 * (to cross GMO-PG's day and month boundaries), the answer charset, and reset.
 */
export function adminRoutes(sim: SimulatorRuntime): RouterType {
  const router = Router();
  router.use(json({ limit: '16kb' }));
  const bad = (res: Parameters<Parameters<typeof router.get>[1]>[1], message: string) =>
    res.status(400).json({ error: message });

  router.post('/faults', (req, res) => {
    const parsed = parseGmoFault(req.body);
    if (!parsed.ok) return bad(res, parsed.error);
    sim.faults.add(parsed.rule);
    res.status(201).json(parsed.rule);
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: sim.faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    sim.faults.clear();
    res.status(204).end();
  });

  router.get('/orders', (req, res) => {
    const shopId = typeof req.query.shopId === 'string' ? req.query.shopId : undefined;
    res.json({ orders: sim.gateway.orders(shopId) });
  });
  router.get('/orders/:orderId', (req, res) => {
    const shopId = typeof req.query.shopId === 'string' ? req.query.shopId : undefined;
    const order = sim.gateway.orders(shopId).find((o) => o.orderId === req.params.orderId);
    if (!order) return void res.status(404).json({ error: `no order ${req.params.orderId}` });
    res.json(order);
  });
  router.get('/charges', (_req, res) => {
    res.json(sim.gateway.charges());
  });

  router.get('/clock', (_req, res) => {
    res.json({ now: new Date(sim.clock.now()).toISOString(), offsetMs: sim.clock.offsetMs });
  });
  router.post('/clock', (req, res) => {
    const { advanceMs, now } = (req.body ?? {}) as { advanceMs?: unknown; now?: unknown };
    if (advanceMs !== undefined) {
      if (typeof advanceMs !== 'number' || !Number.isInteger(advanceMs) || advanceMs < 0) {
        return bad(res, 'advanceMs must be a non-negative integer');
      }
      sim.clock.offsetMs += advanceMs;
    } else if (now !== undefined) {
      const at = typeof now === 'string' ? Date.parse(now) : Number.NaN;
      if (Number.isNaN(at)) return bad(res, 'now must be an ISO 8601 date-time');
      sim.clock.offsetMs = at - Date.now();
    } else return bad(res, 'give advanceMs or now');
    res.json({ now: new Date(sim.clock.now()).toISOString(), offsetMs: sim.clock.offsetMs });
  });

  router.get('/settings', (_req, res) => {
    res.json({ charset: sim.charset, cardMask: sim.settings.cardMask });
  });
  router.put('/settings', (req, res) => {
    const { charset, cardMask } = (req.body ?? {}) as { charset?: unknown; cardMask?: unknown };
    if (charset !== undefined && !CHARSETS.includes(charset as Charset)) {
      return bad(res, `charset must be one of ${CHARSETS.join(', ')}`);
    }
    if (cardMask !== undefined && cardMask !== 'last4' && cardMask !== 'first6last4') {
      return bad(res, 'cardMask must be last4 or first6last4');
    }
    if (charset !== undefined) sim.charset = charset as Charset;
    if (cardMask !== undefined) sim.settings.cardMask = cardMask;
    res.json({ charset: sim.charset, cardMask: sim.settings.cardMask });
  });

  router.post('/reset', (_req, res) => {
    sim.gateway.reset();
    sim.faults.clear();
    sim.clock.offsetMs = 0;
    sim.charset = sim.initial.charset;
    sim.settings.cardMask = sim.initial.cardMask;
    res.status(204).end();
  });
  return router;
}
