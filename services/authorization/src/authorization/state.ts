import { DEFAULT_PSP_ACCOUNT_ID, type GatewayDeclineReason } from '@ivr/contracts';
import type { AuthorizationEvent, MaskedCard, Mode } from './events';
import type { Money } from './money';

export type AuthorizationStatus =
  | 'NEW'
  | 'PENDING'
  | 'APPROVED'
  | 'CAPTURED'
  | 'DECLINED'
  | 'FAILED'
  | 'VOIDED'
  | 'REGISTERED';

export interface AuthorizationState {
  status: AuthorizationStatus;
  paymentId: string;
  mode: Mode | null;
  amount: Money | null;
  orderReference: string;
  card: MaskedCard | null;
  customerReference: string | null;
  /** The merchant's PSP account; `default` until a request names another. */
  pspAccountId: string;
  pspIdempotencyKey: string;
  attempt: number;
  /** A gateway call of this authorization ended without an answer: it may have been carried out. */
  outcomeUncertain: boolean;
  pspReference: string;
  authorizationCode: string;
  capturedAmount: Money | null;
  decline: { reason: GatewayDeclineReason; pspCode: string; pspDeclineCode: string; message: string } | null;
  failure: { code: string; message: string; retryable: boolean } | null;
  storedCardReference: string;
  /** Events folded so far: the stream's version. */
  version: number;
}

export const initialState = (): AuthorizationState => ({
  status: 'NEW',
  paymentId: '',
  mode: null,
  amount: null,
  orderReference: '',
  card: null,
  customerReference: null,
  pspAccountId: DEFAULT_PSP_ACCOUNT_ID,
  pspIdempotencyKey: '',
  attempt: 0,
  outcomeUncertain: false,
  pspReference: '',
  authorizationCode: '',
  capturedAmount: null,
  decline: null,
  failure: null,
  storedCardReference: '',
  version: 0,
});

export function evolve(state: AuthorizationState, event: AuthorizationEvent): AuthorizationState {
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'AuthorizationRequested': {
      const d = event.data;
      return {
        ...next,
        status: 'PENDING',
        paymentId: d.paymentId,
        mode: d.mode,
        amount: d.currency ? { minorUnits: d.amount, currency: d.currency } : null,
        orderReference: d.orderReference,
        card: {
          pspToken: d.cardToken,
          brand: d.card.brand,
          bin: d.card.bin6,
          last4: d.card.last4,
          expiryMonth: d.card.expiryMonth,
          expiryYear: d.card.expiryYear,
        },
        customerReference: d.customerReference,
        pspAccountId: d.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
        pspIdempotencyKey: d.pspIdempotencyKey,
        attempt: d.attempt,
        failure: null,
      };
    }
    case 'AuthorizationApproved':
      return {
        ...next,
        status: event.data.captured ? 'CAPTURED' : 'APPROVED',
        pspReference: event.data.pspReference,
        authorizationCode: event.data.authorizationCode,
        capturedAmount: event.data.captured ? { minorUnits: event.data.amount, currency: event.data.currency } : null,
      };
    case 'AuthorizationDeclined': {
      const { detail: reason, pspCode, pspDeclineCode, message, pspReference } = event.data;
      return {
        ...next,
        status: 'DECLINED',
        decline: { reason, pspCode, pspDeclineCode, message },
        pspReference: pspReference ?? '',
      };
    }
    case 'AuthorizationFailed': {
      const { code, message, retryable } = event.data;
      // paymentId too: an abandoned authorization starts with this event (no request before it).
      return { ...next, status: 'FAILED', paymentId: event.data.paymentId, failure: { code, message, retryable } };
    }
    case 'AuthorizationOutcomeUnknown':
      return { ...next, outcomeUncertain: true };
    case 'CardRegistered':
      return {
        ...next,
        status: 'REGISTERED',
        customerReference: event.data.customerReference,
        storedCardReference: event.data.storedCardReference,
        pspReference: event.data.pspReference ?? '',
      };
    case 'AuthorizationCaptured': {
      const { amount, currency } = event.data;
      return { ...next, status: 'CAPTURED', capturedAmount: { minorUnits: amount, currency } };
    }
    case 'AuthorizationVoided':
      return { ...next, status: 'VOIDED' };
  }
}
