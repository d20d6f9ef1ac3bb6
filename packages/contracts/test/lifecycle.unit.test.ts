import {
  type Balance,
  balanceStateOf,
  capturableOf,
  DEFAULT_LIFECYCLE_CAPABILITIES,
  type LifecycleCapabilities,
  lifecycleTypeOf,
  refundableOf,
  resolveOperation,
  webhookTypeOf,
} from '../src';

const authorized: Balance = { authorized: 1200, captured: 0, refunded: 0, voided: false, finalCaptured: false };
const stripe: LifecycleCapabilities = { ...DEFAULT_LIFECYCLE_CAPABILITIES, provider: 'stripe' };
const inParts: LifecycleCapabilities = { ...stripe, provider: 'simulator', multipleCaptures: true };
const onceWhole: LifecycleCapabilities = {
  provider: 'gmo-pg',
  partialCapture: false,
  multipleCaptures: false,
  partialRefund: false,
};

describe('the lifecycle rule', () => {
  it('captures all that is capturable by default, or less, finally', () => {
    expect(resolveOperation(authorized, stripe, { operation: 'CAPTURE' })).toEqual({
      operation: 'CAPTURE',
      amount: 1200,
      final: true,
    });
    expect(resolveOperation(authorized, stripe, { operation: 'CAPTURE', amount: 800 })).toEqual({
      operation: 'CAPTURE',
      amount: 800,
      final: true,
    });
  });

  it.each([
    [authorized, stripe, { operation: 'CAPTURE', amount: 1201 }, 'amount', 'more than the 1200'],
    [authorized, stripe, { operation: 'CAPTURE', amount: 0 }, 'amount', 'above 0'],
    [authorized, stripe, { operation: 'CAPTURE', amount: 12.5 }, 'amount', 'whole number'],
    [authorized, stripe, { operation: 'CAPTURE', amount: 600, final: false }, 'final', 'captures once'],
    [authorized, inParts, { operation: 'CAPTURE', final: false }, 'final', 'final one'],
    [authorized, onceWhole, { operation: 'CAPTURE', amount: 600 }, 'amount', 'whole authorization'],
    [authorized, stripe, { operation: 'VOID', amount: 5 }, 'amount', 'no amount'],
    [
      { ...authorized, captured: 1000, finalCaptured: true },
      stripe,
      { operation: 'REFUND', amount: 1001 },
      'amount',
      'more than the 1000',
    ],
    [
      { ...authorized, captured: 1000, finalCaptured: true },
      onceWhole,
      { operation: 'REFUND', amount: 10 },
      'amount',
      'in full only',
    ],
  ] as const)('refuses naming the field: %#', (balance, capabilities, request, field, words) => {
    expect(resolveOperation(balance, capabilities, request)).toEqual({
      kind: 'invalid_argument',
      field,
      message: expect.stringContaining(words),
    });
  });

  it.each([
    [{ ...authorized, captured: 1200, finalCaptured: true }, { operation: 'VOID' }, 'refund it instead'],
    [{ ...authorized, voided: true }, { operation: 'CAPTURE' }, 'voided'],
    [{ ...authorized, voided: true }, { operation: 'VOID' }, 'voided already'],
    [authorized, { operation: 'REFUND' }, 'void it instead'],
    [{ ...authorized, captured: 800, finalCaptured: true }, { operation: 'CAPTURE', amount: 1 }, 'nothing more'],
    [{ ...authorized, captured: 800, refunded: 800, finalCaptured: true }, { operation: 'REFUND' }, 'in full already'],
  ] as const)('refuses what the state does not allow: %#', (balance, request, words) => {
    expect(resolveOperation(balance, stripe, request)).toEqual({
      kind: 'invalid_state',
      message: expect.stringContaining(words),
    });
  });

  it('captures in parts where the PSP can, then refunds up to what was captured', () => {
    const part = { ...authorized, captured: 500 };
    expect(capturableOf(part)).toBe(700);
    expect(balanceStateOf(part)).toBe('PARTIALLY_CAPTURED');
    expect(resolveOperation(part, inParts, { operation: 'CAPTURE', amount: 200, final: false })).toMatchObject({
      amount: 200,
      final: false,
    });
    expect(resolveOperation(part, inParts, { operation: 'REFUND' })).toMatchObject({ amount: 500 });
    const refunded = { ...part, refunded: 500, finalCaptured: true };
    expect([refundableOf(refunded), balanceStateOf(refunded)]).toEqual([0, 'REFUNDED']);
  });

  it('names each outcome on the public topic and in webhooks', () => {
    expect(lifecycleTypeOf('CAPTURE', 'SUCCEEDED')).toBe('PaymentCaptured');
    expect(lifecycleTypeOf('REFUND', 'FAILED')).toBe('PaymentRefundFailed');
    expect(webhookTypeOf('PaymentRefundFailed')).toBe('payment.refund_failed');
    expect(webhookTypeOf('PaymentVoided')).toBe('payment.voided');
  });
});
