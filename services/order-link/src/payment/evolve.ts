import { type PaymentEvent, PaymentEventTypes as T } from '@ivr/contracts';
import type { Payment, PaymentState } from './state';

/** Applies one recorded event. Pure; never throws on a well-formed history. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === T.requested) {
    return { status: 'REQUESTED', request: event.payload, updatedAt: event.payload.requestedAt };
  }
  if (state === null) return state;
  const p: Payment = state;
  switch (event.type) {
    case T.transferredToIvr:
      return {
        ...p,
        status: 'IN_IVR',
        callId: event.payload.callId,
        threeWay: event.payload.threeWay,
        updatedAt: event.payload.at,
      };
    case T.cardCaptured:
      return {
        ...p,
        status: 'CARD_CAPTURED',
        callId: event.payload.callId,
        card: event.payload.card,
        updatedAt: event.payload.at,
      };
    case T.approved: {
      const e = event.payload;
      return {
        ...p,
        status: 'APPROVED',
        card: e.card ?? p.card,
        result: {
          outcome: 'APPROVED',
          authorizationCode: e.authorizationCode,
          pspReference: e.pspReference,
          captured: e.captured,
          storedCardReference: e.storedCardReference,
          completedAt: e.at,
        },
        updatedAt: e.at,
      };
    }
    case T.declined:
      return {
        ...p,
        status: 'DECLINED',
        result: {
          outcome: 'DECLINED',
          reason: event.payload.reason,
          pspReference: event.payload.pspReference,
          completedAt: event.payload.at,
        },
        updatedAt: event.payload.at,
      };
    case T.failed:
      return {
        ...p,
        status: 'FAILED',
        result: { outcome: 'FAILED', reason: event.payload.reason, completedAt: event.payload.at },
        updatedAt: event.payload.at,
      };
    case T.cancelled:
      return {
        ...p,
        status: 'CANCELLED',
        result: { outcome: 'CANCELLED', reason: event.payload.reason, completedAt: event.payload.at },
        updatedAt: event.payload.at,
      };
    case T.expired:
      return {
        ...p,
        status: 'EXPIRED',
        result: { outcome: 'EXPIRED', reason: 'TRANSFER_CODE_EXPIRED', completedAt: event.payload.at },
        updatedAt: event.payload.at,
      };
    case T.abandoned:
      return {
        ...p,
        status: 'ABANDONED',
        result: { outcome: 'ABANDONED', reason: event.payload.callEndReason, completedAt: event.payload.at },
        updatedAt: event.payload.at,
      };
  }
}

export function fold(events: readonly PaymentEvent[], from: PaymentState = null): PaymentState {
  return events.reduce(evolve, from);
}
