/**
 * The lifecycle part of the OpenAPI document (openapi.ts merges it in): captures, voids and refunds of an
 * approved payment, each a resource under its payment, and what a payment shows of its money.
 * docs/decisions/0013-payment-lifecycle.md.
 */
import { BALANCE_STATES, OPERATION_STATUSES } from '@ivr/contracts';
import { type JsonObject, json, problem, ref } from './openapi-parts';

const ERRORS = {
  '400': problem(
    'A field is invalid, or asks what the lifecycle rule or the PSP does not allow: `errors` names it (`amount` ' +
      'beyond what can be captured or refunded, `final: false` at a PSP that captures once, ...). Nothing was sent to the PSP.',
  ),
  '401': problem('No API key, or one that is unknown or revoked.'),
  '403': problem('The API key lacks the scope this operation needs.'),
  '404': problem("No such payment of your order system (another order system's payment is not found either)."),
};

const paymentIdParam: JsonObject = {
  name: 'paymentId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^pay_[a-f0-9]{26}$' },
};
const idempotencyKey: JsonObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'One key per operation (e.g. a UUID): the operation id follows from it. The same key and body again ' +
    'answers the operation as it stands now (`Idempotency-Replayed: true`); the same key with another body is 409.',
  schema: { type: 'string', minLength: 8, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
};
const REASON: JsonObject = {
  type: 'string',
  maxLength: 200,
  description: 'Why, for the record (free text: never card data).',
};

/** POST (create), GET (list) and GET one of an operation's collection. */
function collection(
  name: 'captures' | 'voids' | 'refunds',
  schema: 'Capture' | 'Void' | 'Refund',
  create: JsonObject,
): JsonObject {
  const one = schema.toLowerCase();
  const idPattern = { captures: '^cap_[a-f0-9]{26}$', voids: '^void_[a-f0-9]{26}$', refunds: '^ref_[a-f0-9]{26}$' };
  return {
    [`/v1/payments/{paymentId}/${name}`]: {
      post: {
        operationId: `create${schema}`,
        tags: ['lifecycle'],
        'x-scope': name === 'refunds' ? 'payments:refund' : 'payments:write',
        parameters: [paymentIdParam, idempotencyKey],
        ...create,
        responses: {
          '201': json(ref(schema), 'Settled: SUCCEEDED, or FAILED at the PSP with nothing moved (`failure` says why).'),
          '202': json(
            ref(schema),
            'Sent to the PSP, whose answer has not come yet (PENDING): it comes on `ivr.payment-lifecycle.v1`, as a ' +
              `webhook, and at this ${one}'s URL. An unanswered PSP call is reconciled with the same key, never repeated blindly.`,
          ),
          ...ERRORS,
          '409': problem(
            'The payment is not in a state that allows this (not approved, voided, captured already, another operation ' +
              'still pending), or the Idempotency-Key was used with another request.',
          ),
        },
      },
      get: {
        operationId: `list${schema}s`,
        summary: `The ${name} of a payment, oldest first`,
        tags: ['lifecycle'],
        'x-scope': 'payments:read',
        parameters: [paymentIdParam],
        responses: {
          '200': json(
            { type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref(schema) } } },
            `The ${name}.`,
          ),
          ...ERRORS,
        },
      },
    },
    [`/v1/payments/{paymentId}/${name}/{${one}Id}`]: {
      get: {
        operationId: `get${schema}`,
        summary: `One ${one}`,
        tags: ['lifecycle'],
        'x-scope': 'payments:read',
        parameters: [
          paymentIdParam,
          { name: `${one}Id`, in: 'path', required: true, schema: { type: 'string', pattern: idPattern[name] } },
        ],
        responses: { '200': json(ref(schema), `The ${one}.`), ...ERRORS },
      },
    },
  };
}

export const lifecyclePaths: JsonObject = {
  ...collection('captures', 'Capture', {
    summary: 'Capture an authorized payment (all, part, or in parts where the PSP can)',
    description:
      'Takes what the payment authorized (mode AUTHORIZE): all that is capturable by default, or `amount` of it. ' +
      'A capture is final by default and the rest of the authorization is released. Where the PSP captures in ' +
      'parts (the PSP simulator; Stripe accounts with multicapture) `final: false` keeps the rest capturable; ' +
      'Stripe otherwise captures once, GMO-PG once (a smaller capture lowers the authorization first): `final: ' +
      'false` there is 400 naming `final`. One operation at a time per payment.',
    requestBody: { required: false, content: { 'application/json': { schema: ref('CreateCapture') } } },
  }),
  ...collection('voids', 'Void', {
    summary: 'Void an authorization that was not captured',
    description:
      'Releases the whole authorization. Only before any capture: a captured payment is refunded instead (409).',
    requestBody: { required: false, content: { 'application/json': { schema: ref('CreateVoid') } } },
  }),
  ...collection('refunds', 'Refund', {
    summary: 'Refund all or part of what was captured',
    description:
      'Gives back `amount` (default: all that is captured and not refunded). Several refunds up to what was ' +
      'captured; more is 400 naming `amount`. One operation at a time per payment. Needs the scope ' +
      '`payments:refund` (not part of `payments:write`: a key that takes payments cannot give them back ' +
      'unless it is given this scope too).',
    requestBody: { required: false, content: { 'application/json': { schema: ref('CreateRefund') } } },
  }),
};

const AMOUNT: JsonObject = { type: 'integer', minimum: 1, maximum: 99999999999 };

const operationSchema = (operation: string, extra: JsonObject, description: string): JsonObject => ({
  type: 'object',
  description,
  required: ['id', 'paymentId', 'operation', 'status', 'amount', 'currency', 'requestedAt', 'balance'],
  properties: {
    id: { type: 'string' },
    paymentId: { type: 'string' },
    orderId: { type: 'string' },
    operation: { type: 'string', const: operation },
    status: { type: 'string', enum: [...OPERATION_STATUSES] },
    amount: { type: 'integer', description: 'Minor units (0 for a void).' },
    currency: { type: 'string' },
    reason: { type: ['string', 'null'] },
    failure: {
      description:
        'FAILED: nothing moved. `reason` is `refused` (the rule, at the PSP side), `psp_rejected:<code>`, ...',
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['reason', 'message'],
          properties: { reason: { type: 'string' }, message: { type: 'string' } },
        },
      ],
    },
    requestedBy: { type: 'string', description: '`api_key:<id>`, `operator:<id>`.' },
    requestedAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time' },
    balance: { oneOf: [{ type: 'null' }, ref('Balance')] },
    ...extra,
  },
});

export const lifecycleSchemas: JsonObject = {
  CreateCapture: {
    type: 'object',
    additionalProperties: false,
    properties: {
      amount: { ...AMOUNT, description: 'Minor units; absent: all that is capturable.' },
      final: {
        type: 'boolean',
        default: true,
        description: 'false: more captures follow (only where the PSP captures in parts).',
      },
      reason: REASON,
    },
  },
  CreateVoid: { type: 'object', additionalProperties: false, properties: { reason: REASON } },
  CreateRefund: {
    type: 'object',
    additionalProperties: false,
    properties: { amount: { ...AMOUNT, description: 'Minor units; absent: all that is refundable.' }, reason: REASON },
  },
  Capture: operationSchema(
    'CAPTURE',
    { final: { type: 'boolean', description: 'The last capture: the rest of the authorization was released.' } },
    'A capture of an authorized payment.',
  ),
  Void: operationSchema('VOID', {}, 'A void: the authorization released, nothing taken.'),
  Refund: operationSchema(
    'REFUND',
    { refundReference: { type: ['string', 'null'], description: "The PSP's reference of the refund." } },
    'A refund of what was captured.',
  ),
  Balance: {
    type: 'object',
    description:
      "An approved payment's money (modes AUTHORIZE and CAPTURE), in minor units: what was authorized, captured " +
      'and refunded, and what can still be captured and refunded.',
    required: ['state', 'authorized', 'captured', 'refunded', 'capturable', 'refundable'],
    properties: {
      state: { type: 'string', enum: [...BALANCE_STATES] },
      authorized: { type: 'integer' },
      captured: { type: 'integer' },
      refunded: { type: 'integer' },
      capturable: { type: 'integer' },
      refundable: { type: 'integer' },
    },
  },
  StoredCardCharge: {
    type: 'object',
    additionalProperties: false,
    required: ['storedCardReference'],
    description:
      'Charge a card your order system stored with a REGISTER_CARD payment, without a call (merchant-initiated): ' +
      "the references that payment's outcome gave. Another order system's card is refused with 400 naming the field.",
    properties: {
      storedCardReference: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
      customerReference: {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        pattern: '^[\\x21-\\x7E]+$',
        description: 'Checked against the stored card when given.',
      },
    },
  },
};
