import {
  type PaymentCompletedPayload,
  type PaymentLifecyclePayload,
  type PaymentLifecycleType,
  webhookTypeOf,
} from '@ivr/contracts';

/** What a webhook POST carries (docs/api/schemas/webhook-payment-completed.v1.json). */
export interface WebhookBody {
  /** The event id: the same as on the Kafka topic; receivers deduplicate on it. */
  id: string;
  type: 'payment.completed';
  createdAt: string;
  data: PaymentCompletedPayload;
}

export function paymentCompletedWebhook(
  eventId: string,
  occurredAt: string,
  payload: PaymentCompletedPayload,
): WebhookBody {
  return { id: eventId, type: 'payment.completed', createdAt: occurredAt, data: payload };
}

/**
 * A lifecycle webhook (docs/api/schemas/webhook-payment-lifecycle.v1.json): `payment.captured`,
 * `payment.capture_failed`, `payment.voided`, `payment.void_failed`, `payment.refunded`, `payment.refund_failed`,
 * with the payload of the event on `ivr.payment-lifecycle.v1`.
 */
export interface LifecycleWebhookBody {
  id: string;
  type: string;
  createdAt: string;
  data: PaymentLifecyclePayload;
}

export function paymentLifecycleWebhook(
  eventId: string,
  type: PaymentLifecycleType,
  occurredAt: string,
  payload: PaymentLifecyclePayload,
): LifecycleWebhookBody {
  return { id: eventId, type: webhookTypeOf(type), createdAt: occurredAt, data: payload };
}
