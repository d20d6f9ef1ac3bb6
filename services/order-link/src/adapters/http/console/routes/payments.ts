// The payments screens: take a payment, search, one payment with its timeline, cancel, restart the
// field being keyed (agent-assisted), and the live stream of progress (relayed from notification).
import { randomUUID } from 'node:crypto';
import {
  CALL_MODES,
  isCallMode,
  isLanguage,
  isPaymentOperation,
  LANGUAGES,
  PAYMENT_MODES,
  PAYMENT_OPERATIONS,
  PAYMENT_STATUSES,
  type PaymentMode,
} from '@ivr/contracts';
import express, { type Request, type Router } from 'express';
import { AppError } from '../../../../app/errors';
import { type Principal, Scopes } from '../../../../app/ports';
import { REMOVED_PAYMENT_OPTIONS, removedOptionProblem } from '../../../../app/removed-options';
import type { PaymentStatus } from '../../../../payment';
import { operatorToken, relayLive } from '../live';
import { eventDataForScreen, paymentForScreen } from '../redact';
import { body, fieldError, required, text, viewerOf, wrap } from '../request';
import type { ConsoleApiDeps } from '../router';
import { signedIn } from '../session';

/** An operator acting on payments of an order system, as the payments use cases expect a caller. */
const principalFor = (o: { operatorId: string }, orderSystem: string): Principal => ({
  actor: { kind: 'operator', id: o.operatorId },
  orderSystem,
  scopes: new Set([Scopes.paymentsRead, Scopes.paymentsWrite]),
});

/** The payment of the path, if the signed-in operator may see it (else not found: nothing is revealed). */
async function visiblePayment(d: ConsoleApiDeps, req: Request) {
  const paymentId = String(req.params.paymentId);
  const found = await d.queries.get(viewerOf(signedIn(req)), paymentId);
  if (!found) throw new AppError('not_found', `payment ${paymentId} not found`);
  return { paymentId, found };
}

export function paymentRoutes(d: ConsoleApiDeps): Router {
  const api = express.Router();

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
      const callMode = b.callMode ?? 'IVR_ONLY';
      if (!isCallMode(callMode)) throw fieldError('callMode', CALL_MODES.join(' or '));
      for (const { rest } of REMOVED_PAYMENT_OPTIONS) {
        const removed = b[rest] !== undefined ? removedOptionProblem(rest, 'rest') : undefined;
        if (removed) throw new AppError('invalid', removed.message, [removed]);
      }
      const key = text(b, 'idempotencyKey', 100) ?? randomUUID();
      const answer = await d.payments.create(principalFor(o, d.config.orderSystem), `console:${o.operatorId}:${key}`, {
        orderId,
        amount,
        currency,
        description: text(b, 'description', 200) ?? '',
        mode,
        language,
        returnSipAddress,
        callMode,
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
      const { paymentId, found } = await visiblePayment(d, req);
      // Opening a payment is itself part of its audit trail (the screen's own refreshes are not).
      if (req.query.refresh !== '1')
        await d.audit.paymentViewed(paymentId, { kind: 'operator', id: o.operatorId }, 'console', d.clock.now());
      const events = (await d.audit.timeline(paymentId)).map((e) => ({
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
      const { paymentId, found } = await visiblePayment(d, req);
      await d.payments.cancel(
        principalFor(o, found.payment.request.orderSystem),
        paymentId,
        text(body(req), 'reason', 200),
      );
      const after = await d.queries.get(viewerOf(o), paymentId);
      res.json(paymentForScreen(after ?? found));
    }),
  );

  // Agent-assisted, while the caller keys the card: "let's enter it again" (the IVR restarts the field).
  api.post(
    '/payments/:paymentId/restart-field',
    wrap(async (req, res) => {
      const o = signedIn(req);
      const { paymentId, found } = await visiblePayment(d, req);
      await d.payments.restartField(principalFor(o, found.payment.request.orderSystem), paymentId);
      const after = await d.queries.get(viewerOf(o), paymentId);
      res.status(202).json(paymentForScreen(after ?? found));
    }),
  );

  // Capture, void or refund an approved payment (decision 0013): supervisors and admins, on the payments they
  // see; operators see the lifecycle only. The same use case, rule and idempotency as the order systems' API.
  api.post(
    '/payments/:paymentId/operations',
    wrap(async (req, res) => {
      const o = signedIn(req);
      if (o.role !== 'supervisor' && o.role !== 'admin')
        throw new AppError('forbidden', 'only a supervisor or an admin can capture, void or refund');
      const { paymentId, found } = await visiblePayment(d, req);
      const b = body(req);
      const operation = b.operation;
      if (!isPaymentOperation(operation)) throw fieldError('operation', PAYMENT_OPERATIONS.join(', '));
      const amount = b.amount;
      if (amount !== undefined && amount !== null && (typeof amount !== 'number' || !Number.isSafeInteger(amount)))
        throw fieldError('amount', 'a whole number of minor units (yen, cents)');
      const reason = text(b, 'reason', 200);
      const key = text(b, 'idempotencyKey', 100) ?? randomUUID();
      const who: Principal = {
        actor: { kind: 'operator', id: o.operatorId },
        orderSystem: found.payment.request.orderSystem,
        scopes: new Set([Scopes.paymentsRead, Scopes.paymentsWrite, Scopes.paymentsRefund]),
      };
      const answer = await d.operations.request(who, paymentId, operation, `console:${o.operatorId}:${key}`, {
        ...(typeof amount === 'number' ? { amount } : {}),
        ...(reason ? { reason } : {}),
      });
      const after = await d.queries.get(viewerOf(o), paymentId);
      res.status(answer.status).json({ operation: answer.body, payment: paymentForScreen(after ?? found) });
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

  return api;
}
