import { InvalidArgument } from './errors';

const PAYMENT_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * A payment id is a key of the event store and of the PSP's idempotency: checked before anything loads
 * or records under it (bytes such as NUL would otherwise reach PostgreSQL as an internal error).
 */
export function checkPaymentId(paymentId: string, field = 'payment_id'): void {
  if (!paymentId) throw new InvalidArgument(field, 'is required');
  if (!PAYMENT_ID.test(paymentId)) {
    throw new InvalidArgument(field, 'must be 1-100 characters of letters, digits and _ . : -');
  }
}
