import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PaymentLifecycleType, webhookTypeOf } from '@ivr/contracts';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  decide,
  fold,
  lifecycleEventsBy,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  toPaymentCompleted,
} from '../src/payment';

const docs = join(__dirname, '..', '..', '..', 'docs', 'api');
const schema = (name: string) => JSON.parse(readFileSync(join(docs, 'schemas', name), 'utf8'));

const t = '2026-03-01T09:00:00.000Z';
const requested: PaymentEvent = {
  type: 'PaymentRequested',
  data: {
    paymentId: 'pay_1',
    orderId: 'A-1',
    orderSystem: 'shop',
    amount: 1200,
    currency: 'JPY',
    description: '',
    mode: 'CAPTURE',
    language: 'ja',
    returnSipAddress: 'sip:op@pbx',
    callMode: 'IVR_ONLY',
    metadata: { customer: 'c-9' },
    transferCode: '123456',
    transferCodeExpiresAt: t,
    requestedBy: { kind: 'api_key', id: 'k', orderSystem: 'shop' },
    requestedAt: t,
  },
};
const card = { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2030 };
const outcomes: PaymentEvent[][] = [
  [
    {
      type: 'PaymentApproved',
      data: { paymentId: 'pay_1', authorizationCode: 'A1', pspReference: 'pi_1', captured: true, card, at: t },
    },
  ],
  [
    {
      type: 'PaymentDeclined',
      data: { paymentId: 'pay_1', reason: 'INSUFFICIENT_FUNDS', pspCode: 'insufficient_funds', at: t },
    },
  ],
  [{ type: 'PaymentFailed', data: { paymentId: 'pay_1', reason: 'PSP_TIMEOUT', at: t } }],
  [{ type: 'PaymentCancelled', data: { paymentId: 'pay_1', cancelledBy: { kind: 'operator', id: 'op' }, at: t } }],
  [{ type: 'PaymentExpired', data: { paymentId: 'pay_1', transferCode: '123456', at: t } }],
  [{ type: 'PaymentAbandoned', data: { paymentId: 'pay_1', callId: 'c', callEndReason: 'CALLER_HUNG_UP', at: t } }],
];

describe('the public payment-completed contract (docs/api)', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(schema('payment-completed.v1.json'), 'payment-completed.v1.json');
  const validateEvent = ajv.getSchema('payment-completed.v1.json')!;
  const validateWebhook = ajv.compile(schema('webhook-payment-completed.v1.json'));

  it.each(outcomes.map((o) => [o[0]!.type, o]))('documents what order-link publishes for %s', (_type, events) => {
    const payload = toPaymentCompleted(fold([requested, ...(events as PaymentEvent[])])!);
    const envelope = {
      specVersion: 1,
      eventId: 'e-1',
      type: 'PaymentCompleted',
      aggregateType: 'Payment',
      aggregateId: 'pay_1',
      version: 2,
      occurredAt: t,
      payload,
    };
    expect(validateEvent(envelope) ? [] : validateEvent.errors).toEqual([]);
    const webhook = { id: 'e-1', type: 'payment.completed', createdAt: t, data: payload };
    expect(validateWebhook(webhook) ? [] : validateWebhook.errors).toEqual([]);
  });

  it('refuses a payload with a card number in it', () => {
    const payload = { ...toPaymentCompleted(fold([requested, ...outcomes[0]!])!), pan: '4242424242424242' };
    expect(validateWebhook({ id: 'e', type: 'payment.completed', createdAt: t, data: payload })).toBe(false);
  });

  it('shows in webhooks.md the very verification code the tests run', () => {
    const doc = readFileSync(join(docs, 'webhooks.md'), 'utf8');
    const snippet = readFileSync(join(docs, '..', '..', 'examples', 'verify-webhook-signature.ts'), 'utf8');
    expect(doc).toContain('```ts\n' + snippet + '```');
  });
});

describe('the public payment-lifecycle contract (docs/api)', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(schema('payment-lifecycle.v1.json'), 'payment-lifecycle.v1.json');
  const validateEvent = ajv.getSchema('payment-lifecycle.v1.json')!;
  const validateWebhook = ajv.compile(schema('webhook-payment-lifecycle.v1.json'));
  const by = { kind: 'api_key' as const, id: 'k', orderSystem: 'shop' };
  const commands: PaymentCommand[] = [
    {
      type: 'RequestPayment',
      ...(requested.data as unknown as Omit<Extract<PaymentCommand, { type: 'RequestPayment' }>, 'type'>),
      mode: 'AUTHORIZE',
      pspAccountId: 'default',
      transferCodeTtlMs: 900_000,
      at: t,
    },
    {
      type: 'RecordAuthorizationApproved',
      authorizationCode: 'A1',
      pspReference: 'pi_1',
      captured: false,
      capabilities: { provider: 'stripe', partialCapture: true, multipleCaptures: false, partialRefund: true },
      at: t,
    },
    {
      type: 'RequestOperation',
      operationId: `cap_${'a'.repeat(26)}`,
      operation: 'CAPTURE',
      amount: 1000,
      requestedBy: by,
      at: t,
    },
    { type: 'RecordOperationSucceeded', operationId: `cap_${'a'.repeat(26)}`, at: t },
    {
      type: 'RequestOperation',
      operationId: `ref_${'b'.repeat(26)}`,
      operation: 'REFUND',
      amount: 300,
      requestedBy: by,
      at: t,
    },
    {
      type: 'RecordOperationFailed',
      operationId: `ref_${'b'.repeat(26)}`,
      reason: 'psp_rejected:x',
      message: 'no',
      at: t,
    },
    {
      type: 'RequestOperation',
      operationId: `ref_${'c'.repeat(26)}`,
      operation: 'REFUND',
      amount: 300,
      requestedBy: by,
      at: t,
    },
    { type: 'RecordOperationSucceeded', operationId: `ref_${'c'.repeat(26)}`, refundReference: 're_1', at: t },
  ];

  it('documents what order-link publishes for each settled operation, on the topic and as a webhook', () => {
    let state: PaymentState = null;
    const published: { type: string; payload: unknown }[] = [];
    for (const c of commands) {
      const events = decide(c, state);
      state = fold(events, state);
      published.push(...lifecycleEventsBy(state, events));
    }
    expect(published.map((p) => p.type)).toEqual(['PaymentCaptured', 'PaymentRefundFailed', 'PaymentRefunded']);
    for (const { type, payload } of published) {
      const envelope = {
        specVersion: 1,
        eventId: 'e',
        type,
        aggregateType: 'Payment',
        aggregateId: 'pay_1',
        version: 3,
        occurredAt: t,
        payload,
      };
      expect(validateEvent(envelope) ? [] : validateEvent.errors).toEqual([]);
      const webhook = { id: 'e', type: webhookTypeOf(type as PaymentLifecycleType), createdAt: t, data: payload };
      expect(validateWebhook(webhook) ? [] : validateWebhook.errors).toEqual([]);
    }
  });
});
