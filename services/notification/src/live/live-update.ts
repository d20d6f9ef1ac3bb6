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

const CALL_TYPES = new Set<string>([
  C.started,
  C.stepEntered,
  C.captureProgressed,
  C.cardCaptured,
  C.ended,
  // Agent-assisted calls: the operator's own leg, and what became of their requests.
  C.returnedToOperator,
  C.operatorLegAnswered,
  C.operatorLegFailed,
  C.operatorLegEnded,
  C.operatorRequestHandled,
]);
const PAYMENT_TYPES = new Set<string>(Object.values(P));

/** The operator a payment belongs to: who requested it, or `metadata.operatorId` when an order system did. */
export function operatorOf(p: PaymentRequestedPayload): string | null {
  if (p.requestedBy.kind === 'operator') return p.requestedBy.id;
  return p.metadata.operatorId ?? null;
}

/** Gateway tokens stand for a card at the PSP: an operator's screen has no use for them. */
const TOKEN_KEYS = new Set(['pspToken', 'storedCardReference']);

function withoutGatewayTokens(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (TOKEN_KEYS.has(k)) continue;
    out[k] =
      v !== null && typeof v === 'object' && !Array.isArray(v) ? withoutGatewayTokens(v as Record<string, unknown>) : v;
  }
  return out;
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
  let data = withoutGatewayTokens(payload);
  if (e.type === C.cardCaptured) {
    const { card } = payload as unknown as CardCapturedPayload;
    data = { callId: payload.callId, paymentId, card: { brand: card?.brand, last4: card?.last4 } };
  }
  return { eventId: e.eventId, type: e.type, paymentId, at: e.occurredAt, data };
}
