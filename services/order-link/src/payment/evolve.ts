import { callModeOf, DEFAULT_LIFECYCLE_CAPABILITIES, PaymentEventTypes as T } from '@ivr/contracts';
import type { PaymentEvent } from './events';
import type { Payment, PaymentLifecycle, PaymentOperationRecord, PaymentState } from './state';

/** Applies one recorded event. Pure; never throws on a well-formed history. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === T.requested) {
    return { status: 'REQUESTED', request: event.data, updatedAt: event.data.requestedAt };
  }
  if (state === null) return state;
  const p: Payment = state;
  switch (event.type) {
    case T.transferredToIvr:
      return {
        ...p,
        status: 'IN_IVR',
        callId: event.data.callId,
        callMode: callModeOf(event.data),
        updatedAt: event.data.at,
      };
    case T.cardCaptured:
      return {
        ...p,
        status: 'CARD_CAPTURED',
        callId: event.data.callId,
        card: event.data.card,
        updatedAt: event.data.at,
      };
    case T.approved: {
      const e = event.data;
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
          customerReference: e.customerReference,
          completedAt: e.at,
        },
        // A card registration moves no money: it has no lifecycle.
        ...(p.request.mode === 'REGISTER_CARD'
          ? {}
          : {
              lifecycle: {
                capabilities: e.capabilities ?? DEFAULT_LIFECYCLE_CAPABILITIES,
                balance: {
                  authorized: p.request.amount,
                  captured: e.captured ? p.request.amount : 0,
                  refunded: 0,
                  voided: false,
                  finalCaptured: e.captured,
                },
                operations: [],
              },
            }),
        updatedAt: e.at,
      };
    }
    case T.declined:
      return {
        ...p,
        status: 'DECLINED',
        card: event.data.card ?? p.card,
        result: {
          outcome: 'DECLINED',
          reason: event.data.reason,
          pspReference: event.data.pspReference,
          pspCode: event.data.pspCode,
          pspDeclineCode: event.data.pspDeclineCode,
          completedAt: event.data.at,
        },
        updatedAt: event.data.at,
      };
    case T.failed:
      return {
        ...p,
        status: 'FAILED',
        result: { outcome: 'FAILED', reason: event.data.reason, completedAt: event.data.at },
        updatedAt: event.data.at,
      };
    case T.cancelled:
      return {
        ...p,
        status: 'CANCELLED',
        result: { outcome: 'CANCELLED', reason: event.data.reason, completedAt: event.data.at },
        updatedAt: event.data.at,
      };
    case T.expired:
      return {
        ...p,
        status: 'EXPIRED',
        result: { outcome: 'EXPIRED', reason: 'TRANSFER_CODE_EXPIRED', completedAt: event.data.at },
        updatedAt: event.data.at,
      };
    case T.fieldRestartRequested:
      return { ...p, updatedAt: event.data.at };
    case T.cancellationRequested:
      return {
        ...p,
        cancellation: {
          by: event.data.requestedBy,
          ...(event.data.reason ? { reason: event.data.reason } : {}),
        },
        updatedAt: event.data.at,
      };
    case T.abandoned:
      return {
        ...p,
        status: 'ABANDONED',
        result: {
          outcome: 'ABANDONED',
          reason: event.data.callEndReason,
          pspCode: event.data.pspCode,
          pspDeclineCode: event.data.pspDeclineCode,
          completedAt: event.data.at,
        },
        updatedAt: event.data.at,
      };
    case T.operationRequested: {
      const e = event.data;
      const op: PaymentOperationRecord = {
        operationId: e.operationId,
        operation: e.operation,
        status: 'PENDING',
        amount: e.amount,
        final: e.final,
        ...(e.reason ? { reason: e.reason } : {}),
        requestedBy: e.requestedBy,
        requestedAt: e.at,
      };
      return withLifecycle(p, e.at, (l) => ({ ...l, operations: [...l.operations, op] }));
    }
    case T.operationSucceeded: {
      const e = event.data;
      return withLifecycle(p, e.at, (l) => {
        const b = l.balance;
        const balance =
          e.operation === 'CAPTURE'
            ? { ...b, captured: b.captured + e.amount, finalCaptured: e.final }
            : e.operation === 'VOID'
              ? { ...b, voided: true }
              : { ...b, refunded: b.refunded + e.amount };
        return {
          ...l,
          balance,
          operations: settle(l.operations, e.operationId, {
            status: 'SUCCEEDED',
            completedAt: e.at,
            ...(e.refundReference ? { refundReference: e.refundReference } : {}),
          }),
        };
      });
    }
    case T.operationFailed: {
      const e = event.data;
      return withLifecycle(p, e.at, (l) => ({
        ...l,
        operations: settle(l.operations, e.operationId, {
          status: 'FAILED',
          completedAt: e.at,
          failure: { reason: e.reason, message: e.message },
        }),
      }));
    }
  }
}

function withLifecycle(p: Payment, at: string, change: (l: PaymentLifecycle) => PaymentLifecycle): Payment {
  return p.lifecycle ? { ...p, lifecycle: change(p.lifecycle), updatedAt: at } : p;
}

function settle(
  operations: PaymentOperationRecord[],
  operationId: string,
  change: Partial<PaymentOperationRecord>,
): PaymentOperationRecord[] {
  return operations.map((o) => (o.operationId === operationId ? { ...o, ...change } : o));
}

export function fold(events: readonly PaymentEvent[], from: PaymentState = null): PaymentState {
  return events.reduce(evolve, from);
}
