import { languageToProto } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import type { Timestamp } from '@ivr/contracts/google/protobuf';
import { type Balance, CallMode, type Payment, PaymentStatus } from '@ivr/contracts/orderlink/v1';
import type { PaymentView } from '../../app/payment-view';

export const toTimestamp = (iso: string): Timestamp => {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
};
export const fromTimestamp = (t: Timestamp | undefined): string | undefined =>
  t && (t.seconds !== 0 || t.nanos !== 0)
    ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1_000_000)).toISOString()
    : undefined;

export const modeToProto = (m: PaymentView['mode']): PaymentMode => PaymentMode[`PAYMENT_MODE_${m}`];
export const modeFromProto = (m: PaymentMode): PaymentView['mode'] | undefined =>
  m === PaymentMode.PAYMENT_MODE_UNSPECIFIED ? undefined : (m.replace('PAYMENT_MODE_', '') as PaymentView['mode']);
export const callModeToProto = (m: PaymentView['callMode']): CallMode => CallMode[`CALL_MODE_${m}`];
/** Unspecified is IVR_ONLY (a client from before call modes). */
export const callModeFromProto = (m: CallMode): PaymentView['callMode'] =>
  m === CallMode.CALL_MODE_UNSPECIFIED ? 'IVR_ONLY' : (m.replace('CALL_MODE_', '') as PaymentView['callMode']);
export const statusToProto = (s: PaymentView['status']): PaymentStatus => PaymentStatus[`PAYMENT_STATUS_${s}`];
export const statusFromProto = (s: PaymentStatus): PaymentView['status'] | undefined =>
  s === PaymentStatus.PAYMENT_STATUS_UNSPECIFIED
    ? undefined
    : (s.replace('PAYMENT_STATUS_', '') as PaymentView['status']);

export function paymentToProto(v: PaymentView): Payment {
  return {
    paymentId: v.paymentId,
    orderId: v.orderId,
    status: statusToProto(v.status),
    amount: { minorUnits: v.amount, currency: v.currency },
    description: v.description,
    mode: modeToProto(v.mode),
    language: languageToProto(v.language),
    returnSipAddress: v.returnSipAddress,
    metadata: v.metadata,
    transferCode: v.transferCode,
    ...(v.transferCodeExpiresAt ? { transferCodeExpiresAt: toTimestamp(v.transferCodeExpiresAt) } : {}),
    createdAt: toTimestamp(v.createdAt),
    updatedAt: toTimestamp(v.updatedAt),
    ...(v.completedAt ? { completedAt: toTimestamp(v.completedAt) } : {}),
    authorizationCode: v.outcome?.authorizationCode ?? '',
    pspReference: v.outcome?.pspReference ?? '',
    reason: v.outcome?.reason ?? '',
    ...(v.card ? { card: v.card } : {}),
    storedCardReference: v.outcome?.storedCardReference ?? '',
    customerReference: v.outcome?.customerReference ?? '',
    ...(v.balance ? { balance: balanceToProto(v.balance) } : {}),
    ...(v.storedCard ? { storedCard: { ...v.storedCard, customerReference: '' } } : {}),
    callMode: callModeToProto(v.callMode),
    orderSystem: v.orderSystem,
    pspAccountId: v.pspAccountId,
    pspCode: v.outcome?.pspCode ?? '',
    pspDeclineCode: v.outcome?.pspDeclineCode ?? '',
  };
}

export const balanceToProto = (b: NonNullable<PaymentView['balance']>): Balance => ({ ...b });
