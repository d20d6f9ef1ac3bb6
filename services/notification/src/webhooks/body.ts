import type { PaymentCompletedPayload } from '@ivr/contracts';

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
