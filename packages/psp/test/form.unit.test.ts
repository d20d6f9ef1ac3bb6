import { declineFromStripe } from '../src/stripe/declines';
import { encodeForm } from '../src/stripe/form';

describe('encodeForm', () => {
  it('encodes nested objects and lists the way Stripe reads them, skipping absent values', () => {
    const body = encodeForm({
      amount: 1200,
      confirm: true,
      customer: undefined,
      payment_method_options: { card: { moto: true } },
      metadata: { payment_id: 'pay 1&2' },
      expand: ['latest_charge'],
    });
    expect(body.split('&').map(decodeURIComponent)).toEqual([
      'amount=1200',
      'confirm=true',
      'payment_method_options[card][moto]=true',
      'metadata[payment_id]=pay 1&2',
      'expand[0]=latest_charge',
    ]);
    expect(body).toContain('pay%201%262');
  });
});

describe('declineFromStripe', () => {
  it.each([
    [{ code: 'card_declined', decline_code: 'generic_decline' }, 'generic_decline'],
    [{ code: 'card_declined', decline_code: 'insufficient_funds' }, 'insufficient_funds'],
    [{ code: 'expired_card', decline_code: 'expired_card' }, 'expired_card'],
    [{ code: 'incorrect_cvc' }, 'incorrect_cvc'],
    [{ code: 'processing_error', decline_code: 'processing_error' }, 'processing_error'],
    [{ code: 'card_declined', decline_code: 'stolen_card' }, 'suspected_fraud'],
    [{ code: 'card_declined', decline_code: 'something_new' }, 'generic_decline'],
  ])('normalizes %j to %s and keeps the PSP codes', (error, reason) => {
    const decline = declineFromStripe({ ...error, message: 'm' }, 'pi_1');
    expect(decline).toMatchObject({ reason, pspCode: error.code, pspReference: 'pi_1', message: 'm' });
    expect(decline.pspDeclineCode).toBe('decline_code' in error ? error.decline_code : '');
  });
});
