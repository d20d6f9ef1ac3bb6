import type { GatewayDeclineReason } from '@ivr/contracts';
import {
  type Authorization,
  AuthorizationStatus,
  DeclineReason,
  type Operation,
  OperationStatus,
} from '@ivr/contracts/authorization/v1';
import { PaymentMode, type MaskedCard as ProtoCard, type Money as ProtoMoney } from '@ivr/contracts/common/v1';
import {
  type AuthorizationState,
  InvalidArgument,
  type MaskedCard,
  type Mode,
  type Money,
  type OperationRecord,
} from '../../authorization';

/** Proto ↔ domain translation, in one place. */
export function modeFromProto(mode: PaymentMode | undefined): Mode {
  switch (mode) {
    case PaymentMode.PAYMENT_MODE_AUTHORIZE:
      return 'AUTHORIZE';
    case PaymentMode.PAYMENT_MODE_CAPTURE:
      return 'CAPTURE';
    case PaymentMode.PAYMENT_MODE_REGISTER_CARD:
      return 'REGISTER_CARD';
    default:
      throw new InvalidArgument(
        'mode',
        'must be PAYMENT_MODE_AUTHORIZE, PAYMENT_MODE_CAPTURE or PAYMENT_MODE_REGISTER_CARD',
      );
  }
}

const MODE_TO_PROTO: Record<Mode, PaymentMode> = {
  AUTHORIZE: PaymentMode.PAYMENT_MODE_AUTHORIZE,
  CAPTURE: PaymentMode.PAYMENT_MODE_CAPTURE,
  REGISTER_CARD: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
};

export const moneyFromProto = (money: ProtoMoney | undefined): Money | null =>
  money ? { minorUnits: money.minorUnits, currency: money.currency } : null;

export function cardFromProto(card: ProtoCard | undefined): MaskedCard {
  if (!card) throw new InvalidArgument('card.psp_token', 'is required');
  return {
    pspToken: card.pspToken,
    brand: card.brand,
    bin: card.bin,
    last4: card.last4,
    expiryMonth: card.expiryMonth,
    expiryYear: card.expiryYear,
  };
}

const STATUS_TO_PROTO: Record<AuthorizationState['status'], AuthorizationStatus> = {
  NEW: AuthorizationStatus.AUTHORIZATION_STATUS_UNSPECIFIED,
  PENDING: AuthorizationStatus.AUTHORIZATION_STATUS_PENDING,
  APPROVED: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
  CAPTURED: AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED,
  DECLINED: AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED,
  FAILED: AuthorizationStatus.AUTHORIZATION_STATUS_FAILED,
  VOIDED: AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED,
  REFUNDED: AuthorizationStatus.AUTHORIZATION_STATUS_REFUNDED,
  REGISTERED: AuthorizationStatus.AUTHORIZATION_STATUS_REGISTERED,
};

const DECLINE_TO_PROTO: Record<GatewayDeclineReason, DeclineReason> = {
  generic_decline: DeclineReason.DECLINE_REASON_GENERIC_DECLINE,
  insufficient_funds: DeclineReason.DECLINE_REASON_INSUFFICIENT_FUNDS,
  expired_card: DeclineReason.DECLINE_REASON_EXPIRED_CARD,
  incorrect_cvc: DeclineReason.DECLINE_REASON_INCORRECT_CVC,
  incorrect_number: DeclineReason.DECLINE_REASON_INCORRECT_NUMBER,
  processing_error: DeclineReason.DECLINE_REASON_PROCESSING_ERROR,
  suspected_fraud: DeclineReason.DECLINE_REASON_SUSPECTED_FRAUD,
  card_not_supported: DeclineReason.DECLINE_REASON_CARD_NOT_SUPPORTED,
  limit_exceeded: DeclineReason.DECLINE_REASON_LIMIT_EXCEEDED,
  authentication_required: DeclineReason.DECLINE_REASON_AUTHENTICATION_REQUIRED,
  try_again_later: DeclineReason.DECLINE_REASON_TRY_AGAIN_LATER,
};

export function authorizationToProto(s: AuthorizationState): Authorization {
  return {
    paymentId: s.paymentId,
    status: STATUS_TO_PROTO[s.status],
    mode: s.mode ? MODE_TO_PROTO[s.mode] : PaymentMode.PAYMENT_MODE_UNSPECIFIED,
    ...(s.amount ? { amount: s.amount } : {}),
    ...(s.capturedAmount ? { capturedAmount: s.capturedAmount } : {}),
    orderReference: s.orderReference,
    pspReference: s.pspReference,
    authorizationCode: s.authorizationCode,
    ...(s.decline
      ? {
          decline: {
            reason: DECLINE_TO_PROTO[s.decline.reason],
            pspCode: s.decline.pspCode,
            pspDeclineCode: s.decline.pspDeclineCode,
            message: s.decline.message,
          },
        }
      : {}),
    ...(s.failure ? { failure: s.failure } : {}),
    customerReference: s.customerReference ?? '',
    storedCardReference: s.storedCardReference,
    ...(s.card ? { card: s.card } : {}),
    version: s.version,
    pspAccountId: s.pspAccountId,
    ...(s.amount ? { refundedAmount: { minorUnits: s.refundedMinorUnits, currency: s.amount.currency } } : {}),
    operations: Object.values(s.operations).map((op) => operationToProto(op, s.amount?.currency ?? '')),
  };
}

const OPERATION_STATUS_TO_PROTO: Record<OperationRecord['status'], OperationStatus> = {
  PENDING: OperationStatus.OPERATION_STATUS_PENDING,
  SUCCEEDED: OperationStatus.OPERATION_STATUS_SUCCEEDED,
  FAILED: OperationStatus.OPERATION_STATUS_FAILED,
};

function operationToProto(op: OperationRecord, currency: string): Operation {
  return {
    operationId: op.operationId,
    operation: op.operation,
    status: OPERATION_STATUS_TO_PROTO[op.status],
    ...(op.operation !== 'VOID' ? { amount: { minorUnits: op.amount, currency } } : {}),
    final: op.final,
    ...(op.failure ? { failure: { code: op.failure.code, message: op.failure.message, retryable: false } } : {}),
    failureField: op.failure?.field ?? '',
    refundReference: op.refundReference,
  };
}
