import {
  type EventEnvelope,
  PAYMENT_COMPLETED_TYPE,
  type PaymentCompletedPayload,
  PaymentEventTypes,
  type PaymentLifecyclePayload,
  type PaymentLifecycleType,
  PaymentLifecycleTypes,
  type PaymentRequestedPayload,
} from '@ivr/contracts';
import type { LiveHub } from '../live/hub';
import { operatorOf, toLiveUpdate } from '../live/live-update';
import { paymentCompletedWebhook, paymentLifecycleWebhook } from '../webhooks/body';
import type { DeliveryInbox, PaymentEventLog, Watchers } from './ports';

export const DELIVERY_CONSUMER = 'notification';

const LIFECYCLE_TYPES: ReadonlySet<string> = new Set(Object.values(PaymentLifecycleTypes));

export interface DeliveryHandlerDeps {
  deliveries: DeliveryInbox;
  events: PaymentEventLog;
  watchers: Watchers;
  retryWindowMs: number;
  now: () => Date;
  /** Called after new deliveries were committed, so that they go out without waiting for a poll. */
  onEnqueued: () => void;
  logger: { warn(obj: object, msg: string): void };
}

/**
 * Durable consumer (group `notification`): records payment events once, remembers which operator
 * follows a payment, and turns each PaymentCompleted, and each settled capture, void or refund
 * (`ivr.payment-lifecycle.v1`), into one delivery per endpoint of its order system, in the same
 * transaction as the processed-event mark. Deliveries of one payment to one endpoint go in order.
 */
export function deliveryHandler(d: DeliveryHandlerDeps) {
  return async (e: EventEnvelope): Promise<void> => {
    if (e.type === PAYMENT_COMPLETED_TYPE) {
      const payload = e.payload as PaymentCompletedPayload;
      if (typeof payload.orderSystem !== 'string' || typeof payload.paymentId !== 'string') {
        d.logger.warn({ eventId: e.eventId }, 'PaymentCompleted without orderSystem/paymentId skipped');
        return;
      }
      const enqueued = await d.deliveries.enqueueOnce(DELIVERY_CONSUMER, e.eventId, {
        orderSystem: payload.orderSystem,
        paymentId: payload.paymentId,
        eventId: e.eventId,
        eventType: 'payment.completed',
        body: JSON.stringify(paymentCompletedWebhook(e.eventId, e.occurredAt, payload)),
        now: d.now(),
        retryWindowMs: d.retryWindowMs,
      });
      if (enqueued > 0) d.onEnqueued();
      return;
    }
    if (LIFECYCLE_TYPES.has(e.type)) {
      const payload = e.payload as PaymentLifecyclePayload;
      if (typeof payload.orderSystem !== 'string' || typeof payload.paymentId !== 'string') {
        d.logger.warn({ eventId: e.eventId, type: e.type }, 'lifecycle event without orderSystem/paymentId skipped');
        return;
      }
      const body = paymentLifecycleWebhook(e.eventId, e.type as PaymentLifecycleType, e.occurredAt, payload);
      const enqueued = await d.deliveries.enqueueOnce(DELIVERY_CONSUMER, e.eventId, {
        orderSystem: payload.orderSystem,
        paymentId: payload.paymentId,
        eventId: e.eventId,
        eventType: body.type,
        body: JSON.stringify(body),
        now: d.now(),
        retryWindowMs: d.retryWindowMs,
      });
      if (enqueued > 0) d.onEnqueued();
      return;
    }
    if (e.aggregateType !== 'Payment') return;
    await d.events.record(e);
    if (e.type === PaymentEventTypes.requested) {
      const p = e.payload as PaymentRequestedPayload;
      if (p.requestedBy && p.metadata) await d.watchers.remember(p.paymentId, p.orderSystem, operatorOf(p));
    }
  };
}

/**
 * Live consumer (one group per instance, from the newest message): forwards payment and call
 * progress to the streams of the operator who follows the payment. Nothing is stored; a screen that
 * reconnects reads the payment's current state from order-link.
 */
export function liveHandler(hub: LiveHub, watchers: Watchers) {
  return async (e: EventEnvelope): Promise<void> => {
    if (e.type === PaymentEventTypes.requested) {
      const p = e.payload as PaymentRequestedPayload;
      if (p.requestedBy && p.metadata) await watchers.remember(p.paymentId, p.orderSystem, operatorOf(p));
    }
    const update = toLiveUpdate(e);
    if (!update) return;
    const operator = await watchers.operatorOf(update.paymentId);
    if (operator) hub.publish(operator, update);
  };
}
