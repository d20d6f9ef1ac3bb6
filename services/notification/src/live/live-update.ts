import {
  CallEventTypes as C,
  type CardCapturedPayload,
  type EventEnvelope,
  PaymentEventTypes as P,
  type PaymentRequestedPayload,
} from '@ivr/contracts';

/** One message of an operator's live stream (SSE `event:` = type, `data:` = this as JSON). */
export interface LiveUpdate {
  eventId: string;
  type: string;
  paymentId: string;
  at: string;
  data: Record<string, unknown>;
}

const CALL_TYPES = new Set<string>([C.started, C.stepEntered, C.captureProgressed, C.cardCaptured, C.ended]);
const PAYMENT_TYPES = new Set<string>(Object.values(P));

/** The operator a payment belongs to: who requested it, or `metadata.operatorId` when an order system did. */
export function operatorOf(p: PaymentRequestedPayload): string | null {
  if (p.requestedBy.kind === 'operator') return p.requestedBy.id;
  return p.metadata.operatorId ?? null;
}

/**
 * What an operator's screen may see of a payment or call event, or null for other events.
 * The capture progress is masked already (counts, brand, validity); the PSP token is dropped.
 */
export function toLiveUpdate(e: EventEnvelope): LiveUpdate | null {
  if (!CALL_TYPES.has(e.type) && !PAYMENT_TYPES.has(e.type)) return null;
  const payload = e.payload as Record<string, unknown>;
  const paymentId = payload.paymentId;
  if (typeof paymentId !== 'string') return null;
  let data: Record<string, unknown> = payload;
  if (e.type === C.cardCaptured) {
    const { card } = payload as unknown as CardCapturedPayload;
    data = { callId: payload.callId, paymentId, card: { brand: card?.brand, last4: card?.last4 } };
  }
  return { eventId: e.eventId, type: e.type, paymentId, at: e.occurredAt, data };
}
