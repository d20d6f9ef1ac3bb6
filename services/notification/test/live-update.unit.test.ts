import type { EventEnvelope } from '@ivr/contracts';
import { toLiveUpdate } from '../src/live/live-update';

const envelope = (type: string, payload: object): EventEnvelope => ({
  specVersion: 1,
  eventId: 'e0000000-0000-4000-8000-000000000001',
  type,
  aggregateType: 'Payment',
  aggregateId: 'pay_1',
  version: 3,
  occurredAt: '2026-11-26T10:00:00.000Z',
  payload,
});

describe('toLiveUpdate', () => {
  it('drops gateway tokens at any depth from what an operator screen receives', () => {
    const update = toLiveUpdate(
      envelope('PaymentApproved', {
        paymentId: 'pay_1',
        authorizationCode: 'A1',
        storedCardReference: 'cus_1/pm_1',
        card: {
          pspToken: 'pm_secret',
          brand: 'visa',
          bin6: '424242',
          last4: '4242',
          expiryMonth: 12,
          expiryYear: 2030,
        },
      }),
    );
    expect(update?.data).toEqual({
      paymentId: 'pay_1',
      authorizationCode: 'A1',
      card: { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2030 },
    });
  });

  it('keeps only brand and last 4 of a captured card', () => {
    const update = toLiveUpdate(
      envelope('CardCaptured', {
        callId: 'c1',
        paymentId: 'pay_1',
        card: {
          pspToken: 'pm_secret',
          brand: 'visa',
          bin6: '424242',
          last4: '4242',
          expiryMonth: 12,
          expiryYear: 2030,
        },
      }),
    );
    expect(update?.data).toEqual({ callId: 'c1', paymentId: 'pay_1', card: { brand: 'visa', last4: '4242' } });
  });

  it('ignores events that are not about a payment or a call', () => {
    expect(toLiveUpdate(envelope('SomethingElse', { paymentId: 'pay_1' }))).toBeNull();
  });
});
