import { censor, isSecretKey } from '@ivr/logging';

describe('censor', () => {
  it('returns the same object when nothing is secret', () => {
    const value = { orderId: 'o-1', items: [{ sku: 'a' }], nested: { amount: 1 } };
    expect(censor(value)).toBe(value);
  });

  it('copies only the branches it changes', () => {
    const untouched = { amount: 1 };
    const value = { untouched, payment: { pan: 'x' } };
    const result = censor(value);
    expect(result).toEqual({ untouched, payment: { pan: '[REDACTED]' } });
    expect(result.untouched).toBe(untouched);
    expect(value.payment.pan).toBe('x');
  });

  it('survives cycles and leaves errors and class instances to the serializers', () => {
    const cyclic: Record<string, unknown> = { pan: 'x' };
    cyclic.self = cyclic;
    const error = new Error('boom');
    const result = censor({ cyclic, error, when: new Date(0) });
    expect((result.cyclic as Record<string, unknown>).pan).toBe('[REDACTED]');
    expect(result.error).toBe(error);
    expect(result.when).toEqual(new Date(0));
  });

  it('keeps null and undefined secrets as they are (nothing to hide)', () => {
    expect(censor({ pan: null, cvv: undefined })).toEqual({ pan: null, cvv: undefined });
  });
});

describe('isSecretKey', () => {
  it('matches card and secret names in any case and separator style', () => {
    for (const key of ['pan', 'PAN', 'cardNumber', 'card_number', 'Card-Number', 'securityCode', 'cvv2', 'password']) {
      expect(isSecretKey(key)).toBe(true);
    }
    expect(isSecretKey('set-cookie')).toBe(true);
    expect(isSecretKey('authorization')).toBe(true);
  });

  it('treats number as secret only under card', () => {
    expect(isSecretKey('number', 'card')).toBe(true);
    expect(isSecretKey('number', 'order')).toBe(false);
    expect(isSecretKey('number')).toBe(false);
    for (const key of ['panel', 'orderNumber', 'company', 'span_id']) expect(isSecretKey(key)).toBe(false);
  });
});
