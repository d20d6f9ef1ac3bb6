import { randomUUID } from 'node:crypto';
import { Topics } from '@ivr/contracts';
import { type EventStore, handleCommand } from '@ivr/eventstore';
import { type Request, type Response, Router } from 'express';
import { paymentDecider } from '../../payment/payment';

interface RequestBody {
  orderId?: unknown;
  amount?: unknown;
  currency?: unknown;
}

/** RFC 9457 problem details naming the offending field. */
function problem(res: Response, status: number, title: string, field?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...(field ? { field } : {}) });
}

/** POST /v1/payments (walking-skeleton subset of the payments API). */
export function paymentsRouter(store: EventStore, now: () => Date = () => new Date()): Router {
  const router = Router();
  router.post('/v1/payments', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as RequestBody;
    if (typeof body.orderId !== 'string' || body.orderId.length === 0 || body.orderId.length > 64) {
      return problem(res, 400, 'orderId must be a string of 1 to 64 characters', 'orderId');
    }
    if (!Number.isSafeInteger(body.amount) || (body.amount as number) <= 0) {
      return problem(res, 400, 'amount must be a positive integer in minor units', 'amount');
    }
    if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) {
      return problem(res, 400, 'currency must be an ISO 4217 code', 'currency');
    }
    const paymentId = `pay_${randomUUID().replaceAll('-', '')}`;
    const data = {
      paymentId,
      orderId: body.orderId,
      amount: body.amount as number,
      currency: body.currency,
      requestedAt: now().toISOString(),
    };
    await handleCommand(
      store,
      paymentDecider,
      paymentId,
      { type: 'RequestPayment', data },
      {
        streamType: 'Payment',
        outbox: { topic: Topics.payments },
        metadata: { correlationId: paymentId },
      },
    );
    res.status(201).json({
      id: paymentId,
      orderId: data.orderId,
      amount: data.amount,
      currency: data.currency,
      status: 'requested',
    });
  });
  return router;
}
