/**
 * The OpenAPI 3.1 document of the REST API: the source of truth. Request bodies, query strings and
 * path parameters are validated against these schemas (validation.ts), and a test checks that every
 * route the server has is described here and the other way round, so the document cannot drift.
 * Served at /v1/openapi.json and rendered at /docs.
 */
import { CALL_MODES, LANGUAGES, PAYMENT_MODES, PAYMENT_STATUSES, PSP_PROVIDERS } from '@ivr/contracts';
import { lifecyclePaths, lifecycleSchemas } from './openapi-lifecycle';
import { type JsonObject, json, problem, ref } from './openapi-parts';

export type { JsonObject };

const ERRORS = {
  '400': problem('The request is malformed or a field is invalid; `errors` names each field.'),
  '401': problem('No API key, or one that is unknown or revoked.'),
  '403': problem('The API key lacks the scope this operation needs.'),
  '413': problem('The body is larger than 64 KiB.'),
  '415': problem('The body is not `application/json`.'),
  '429': {
    ...problem(
      'Too many requests from this API key or this address (the limits are per order-link replica; ' +
        'see docs/api/README.md). Wait the seconds of `Retry-After`, then try again with the same ' +
        'Idempotency-Key: nothing was done.',
    ),
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before the next request (an integer of at least 1).',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  },
};

const idempotencyKey: JsonObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'A unique key per operation (e.g. a UUID). Retrying with the same key and body returns the first answer ' +
    '(with `Idempotency-Replayed: true`); the same key with a different body is refused with 409.',
  schema: { type: 'string', minLength: 8, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
};
const paymentIdParam: JsonObject = {
  name: 'paymentId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^pay_[a-f0-9]{26}$' },
};

const endpointIdParam: JsonObject = {
  name: 'endpointId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^we_[a-f0-9]{24}$' },
};

const ORDER_ID: JsonObject = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:#/-]+$' };
const STATUS: JsonObject = {
  type: 'string',
  enum: [...PAYMENT_STATUSES],
};

export const openApiDocument: JsonObject = {
  openapi: '3.1.0',
  info: {
    title: 'IVR payments: order-link API',
    version: '1.0.0',
    description:
      'Create a payment request, give the operator its transfer code, and learn the outcome. The caller keys ' +
      'the card on the phone keypad; no card number or security code ever reaches this API.\n\n' +
      'Authentication: `Authorization: Bearer olk_...` with an API key of your order system. ' +
      "Amounts are integers in the currency's minor unit (JPY 1200 = 1,200 yen; USD 1200 = 12.00 dollars). " +
      'Errors are RFC 9457 problem details. Free text (descriptions, metadata keys and values, names, ' +
      'reasons, webhook URLs: every string but `orderId` and `returnSipAddress`) is refused with 400 naming ' +
      'the field when it holds a card number (a Luhn-valid run of 13-19 digits, also grouped with spaces, ' +
      'dashes or dots): card data is keyed on the phone only. Outcomes also arrive on the Kafka topic `ivr.payment-completed.v1` ' +
      'and as signed webhooks (see docs/api/).\n\n' +
      'After an approval (mode AUTHORIZE or CAPTURE) the payment can be captured, voided and refunded: ' +
      '`/v1/payments/{paymentId}/captures`, `/voids`, `/refunds`, each idempotent by its key, each settled ' +
      'operation published on `ivr.payment-lifecycle.v1` and as a webhook (`payment.captured`, ...). A card ' +
      'stored by a REGISTER_CARD payment is charged later without a call with `storedCard` on `POST /v1/payments` ' +
      '(the string fields of `storedCard` are references, not free text).',
  },
  servers: [{ url: 'http://127.0.0.1:8080', description: 'development' }],
  security: [{ apiKey: [] }],
  paths: {
    '/v1/payments': {
      post: {
        operationId: 'createPayment',
        summary: 'Create a payment request',
        description:
          'Records the request and issues a numeric transfer code, valid until `transferCodeExpiresAt` ' +
          '(15 minutes by default). The operator transfers the caller to the IVR with this code.',
        tags: ['payments'],
        'x-scope': 'payments:write',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CreatePayment') } } },
        responses: {
          '201': json(ref('Payment'), 'Created (or the replay of an earlier request with the same key).'),
          ...ERRORS,
          '409': problem('The Idempotency-Key was used with a different request.'),
        },
      },
      get: {
        operationId: 'listPayments',
        summary: 'List payments, newest first',
        tags: ['payments'],
        'x-scope': 'payments:read',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          {
            name: 'cursor',
            in: 'query',
            description: '`nextCursor` of the previous page.',
            schema: { type: 'string', maxLength: 200 },
          },
          { name: 'status', in: 'query', schema: STATUS },
          { name: 'orderId', in: 'query', schema: ORDER_ID },
          {
            name: 'createdFrom',
            in: 'query',
            description: 'Inclusive.',
            schema: { type: 'string', format: 'date-time' },
          },
          {
            name: 'createdTo',
            in: 'query',
            description: 'Exclusive.',
            schema: { type: 'string', format: 'date-time' },
          },
        ],
        responses: { '200': json(ref('PaymentList'), 'One page.'), ...ERRORS },
      },
    },
    '/v1/payments/{paymentId}': {
      get: {
        operationId: 'getPayment',
        summary: 'Get a payment',
        tags: ['payments'],
        'x-scope': 'payments:read',
        parameters: [paymentIdParam],
        responses: { '200': json(ref('Payment'), 'The payment.'), ...ERRORS, '404': problem('No such payment.') },
      },
    },
    '/v1/payments/{paymentId}/cancel': {
      post: {
        operationId: 'cancelPayment',
        summary: 'Cancel a payment before the caller is transferred (or, agent-assisted, while the card is keyed)',
        description:
          'Cancelling a cancelled payment answers it again; once the caller is in the IVR it is too late (409), ' +
          'except for an AGENT_ASSISTED payment whose card is not captured yet: the operator is on the call, so ' +
          'the IVR is asked to stop and tell the caller. The answer then still says IN_IVR; the payment becomes ' +
          'CANCELLED (PaymentCompleted, webhook) once the IVR has stopped, or goes on if the card got captured first.',
        tags: ['payments'],
        'x-scope': 'payments:write',
        parameters: [paymentIdParam, idempotencyKey],
        requestBody: { required: false, content: { 'application/json': { schema: ref('CancelPayment') } } },
        responses: {
          '200': json(ref('Payment'), 'Cancelled.'),
          ...ERRORS,
          '404': problem('No such payment.'),
          '409': problem('The payment can no longer be cancelled, or the Idempotency-Key was used differently.'),
        },
      },
    },
    '/v1/orders/{orderId}/payment': {
      get: {
        operationId: 'findPaymentByOrderId',
        summary: 'The latest payment of an order',
        tags: ['payments'],
        'x-scope': 'payments:read',
        parameters: [{ name: 'orderId', in: 'path', required: true, schema: ORDER_ID }],
        responses: {
          '200': json(ref('Payment'), 'The latest payment.'),
          ...ERRORS,
          '404': problem('No payment for this order.'),
        },
      },
    },
    '/v1/api-keys': {
      post: {
        operationId: 'createApiKey',
        summary: 'Create an API key for your order system',
        description: 'The key is in the answer once and never again: only its hash is stored.',
        tags: ['api keys'],
        'x-scope': 'api_keys:manage',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CreateApiKey') } } },
        responses: { '201': json(ref('NewApiKey'), 'Created.'), ...ERRORS, '409': problem('Idempotency-Key reused.') },
      },
      get: {
        operationId: 'listApiKeys',
        summary: 'List the API keys of your order system (without secrets)',
        tags: ['api keys'],
        'x-scope': 'api_keys:manage',
        responses: {
          '200': json(
            { type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('ApiKey') } } },
            'The keys.',
          ),
          ...ERRORS,
        },
      },
    },
    '/v1/api-keys/{keyId}': {
      delete: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (at once, for good)',
        tags: ['api keys'],
        'x-scope': 'api_keys:manage',
        parameters: [
          { name: 'keyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,40}$' } },
        ],
        responses: { '200': json(ref('ApiKey'), 'Revoked.'), ...ERRORS, '404': problem('No such key.') },
      },
    },
    '/v1/psp-account': {
      get: {
        operationId: 'getPspAccount',
        summary: "Your order system's PSP account",
        description:
          'The payment gateway and merchant account your new payments are paid with: your own, or the ' +
          "deployment's default (`default: true`). Credentials are never answered.",
        tags: ['psp account'],
        'x-scope': 'psp_accounts:manage',
        responses: { '200': json(ref('PspAccount'), 'The account.'), ...ERRORS },
      },
      post: {
        operationId: 'setPspAccount',
        summary: 'Set your PSP account (provider and credentials)',
        description:
          'Your new payments are paid with this gateway and these credentials (Stripe: secret key; GMO-PG: ' +
          'ShopID/ShopPass and SiteID/SitePass). The credentials are stored encrypted and never answered. The ' +
          'same provider again replaces the credentials of the same account (rotation: payments in flight ' +
          'follow); another provider makes a new account. Payments made before keep the account they were made ' +
          'with (capture, refund). An administrator scope.',
        tags: ['psp account'],
        'x-scope': 'psp_accounts:manage',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SetPspAccount') } } },
        responses: {
          '200': json(ref('PspAccount'), 'Set.'),
          ...ERRORS,
          '409': problem('Idempotency-Key reused.'),
          '503': problem('PSP accounts of order systems are not enabled on this deployment.'),
        },
      },
      delete: {
        operationId: 'unsetPspAccount',
        summary: "Go back to the deployment's default PSP account",
        tags: ['psp account'],
        'x-scope': 'psp_accounts:manage',
        responses: { '200': json(ref('PspAccount'), 'The default account from now on.'), ...ERRORS },
      },
    },
    '/v1/webhook-endpoints': {
      post: {
        operationId: 'createWebhookEndpoint',
        summary: 'Register a webhook endpoint',
        description:
          'Outcomes of your payments are POSTed there, signed in `Ivr-Signature` (see docs/api/webhooks.md). ' +
          'The signing secret is in this answer only.',
        tags: ['webhooks'],
        'x-scope': 'webhooks:manage',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: { 'application/json': { schema: ref('CreateWebhookEndpoint') } } },
        responses: {
          '201': json(ref('NewWebhookEndpoint'), 'Registered.'),
          ...ERRORS,
          '409': problem('Idempotency-Key reused.'),
          '503': problem('The webhook service is unavailable.'),
        },
      },
      get: {
        operationId: 'listWebhookEndpoints',
        summary: 'List your webhook endpoints',
        tags: ['webhooks'],
        'x-scope': 'webhooks:manage',
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('WebhookEndpoint') } },
            },
            'The endpoints.',
          ),
          ...ERRORS,
          '503': problem('The webhook service is unavailable.'),
        },
      },
    },
    '/v1/webhook-endpoints/{endpointId}': {
      delete: {
        operationId: 'disableWebhookEndpoint',
        summary: 'Stop sending to an endpoint',
        tags: ['webhooks'],
        'x-scope': 'webhooks:manage',
        parameters: [endpointIdParam],
        responses: {
          '204': { description: 'Disabled.' },
          ...ERRORS,
          '404': problem('No such endpoint.'),
          '503': problem('The webhook service is unavailable.'),
        },
      },
    },
    '/v1/webhook-endpoints/{endpointId}/deliveries': {
      get: {
        operationId: 'listWebhookDeliveries',
        summary: 'Delivery log of an endpoint, newest first',
        tags: ['webhooks'],
        'x-scope': 'webhooks:manage',
        parameters: [
          endpointIdParam,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        ],
        responses: {
          '200': json(
            {
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('WebhookDelivery') } },
            },
            'The log.',
          ),
          ...ERRORS,
          '503': problem('The webhook service is unavailable.'),
        },
      },
    },
    '/v1/webhook-deliveries/{deliveryId}/redeliver': {
      post: {
        operationId: 'redeliverWebhook',
        summary: 'Send a delivery again now (also a dead one)',
        tags: ['webhooks'],
        'x-scope': 'webhooks:manage',
        parameters: [
          { name: 'deliveryId', in: 'path', required: true, schema: { type: 'string', pattern: '^wd_[a-f0-9]{32}$' } },
          idempotencyKey,
        ],
        responses: {
          '202': json({ type: 'object' }, 'Queued.'),
          ...ERRORS,
          '404': problem('No such delivery.'),
          '409': problem('Idempotency-Key reused.'),
          '503': problem('The webhook service is unavailable.'),
        },
      },
    },
    ...lifecyclePaths,
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'An order-system API key, `olk_<id>.<secret>`.' },
    },
    schemas: {
      CreatePayment: {
        type: 'object',
        additionalProperties: false,
        required: ['orderId', 'amount', 'currency', 'mode'],
        // A payment by phone needs the caller's language and where to hand the caller back; a stored card does not.
        if: { properties: { storedCard: false } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a promise
        then: { properties: { language: true, returnSipAddress: true }, required: ['language', 'returnSipAddress'] },
        properties: {
          orderId: { ...ORDER_ID, description: 'Your order id; payments are found by it.' },
          amount: {
            type: 'integer',
            minimum: 0,
            maximum: 99999999999,
            description: 'Minor units. 0 only with REGISTER_CARD.',
          },
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. JPY.' },
          description: { type: 'string', maxLength: 200 },
          mode: {
            type: 'string',
            enum: [...PAYMENT_MODES],
            description:
              'AUTHORIZE: authorize now, capture later. CAPTURE: authorize and capture. REGISTER_CARD: only store the card.',
          },
          language: { type: 'string', enum: [...LANGUAGES], description: 'Language the IVR speaks to the caller.' },
          returnSipAddress: {
            type: 'string',
            maxLength: 256,
            pattern: '^sips?:[^\\s<>"]+$',
            description: 'SIP URI the caller is handed back to after paying.',
          },
          callMode: {
            type: 'string',
            enum: [...CALL_MODES],
            default: 'IVR_ONLY',
            description:
              'IVR_ONLY: the operator transfers the caller to the IVR and gets the caller back by transfer to ' +
              'returnSipAddress after paying. AGENT_ASSISTED: the operator stays on the line: the IVR calls ' +
              'returnSipAddress at once and the card vault bridges caller and operator, so they can talk ' +
              'throughout and after the payment, while the keypad tones of the card are masked toward the ' +
              'operator (they hear a flat tone, never the digits). If the operator does not answer, the caller ' +
              'pays with the IVR alone. The former three-way option is refused with 400 saying why: on a ' +
              'three-way call the operator and every call recorder hear the tones.',
          },
          metadata: {
            type: 'object',
            maxProperties: 20,
            propertyNames: { pattern: '^[A-Za-z0-9_.-]{1,40}$' },
            additionalProperties: { type: 'string', maxLength: 500 },
            description: 'Your own key/value pairs, returned as given (never card data: refused with 400).',
          },
          storedCard: ref('StoredCardCharge'),
        },
        examples: [
          {
            orderId: 'A-1001',
            amount: 12345,
            currency: 'JPY',
            description: 'Two books',
            mode: 'CAPTURE',
            language: 'ja',
            returnSipAddress: 'sip:op-12@pbx.example.com',
          },
        ],
      },
      CancelPayment: {
        type: 'object',
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: 200 } },
      },
      Payment: {
        type: 'object',
        required: [
          'paymentId',
          'orderId',
          'status',
          'amount',
          'currency',
          'mode',
          'language',
          'transferCode',
          'transferCodeExpiresAt',
          'createdAt',
        ],
        properties: {
          paymentId: { type: 'string' },
          orderId: { type: 'string' },
          status: STATUS,
          amount: { type: 'integer' },
          currency: { type: 'string' },
          description: { type: 'string' },
          mode: { type: 'string', enum: [...PAYMENT_MODES] },
          language: { type: 'string', enum: [...LANGUAGES] },
          returnSipAddress: { type: 'string' },
          callMode: { type: 'string', enum: [...CALL_MODES] },
          metadata: { type: 'object', additionalProperties: { type: 'string' } },
          transferCode: {
            type: 'string',
            pattern: '^([0-9]{4,10})?$',
            description: 'What the operator transfers the caller with; empty for a stored-card charge (no call).',
          },
          transferCodeExpiresAt: { type: ['string', 'null'], format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          completedAt: { type: ['string', 'null'], format: 'date-time' },
          orderSystem: { type: 'string', description: 'The order system (API key owner) the payment belongs to.' },
          pspAccountId: {
            type: 'string',
            pattern: '^(default|pa_[0-9a-f]{24})$',
            description: "The PSP account (merchant) the payment is paid with: `default` (the deployment's) or yours.",
          },
          outcome: {
            type: ['object', 'null'],
            properties: {
              authorizationCode: { type: 'string' },
              pspReference: { type: 'string' },
              captured: { type: 'boolean' },
              storedCardReference: {
                type: 'string',
                description: 'REGISTER_CARD: the stored card, to charge later with `storedCard` on a new payment.',
              },
              customerReference: { type: 'string', description: "REGISTER_CARD: the PSP's customer holding it." },
              reason: { type: 'string', description: 'Decline reason (e.g. INSUFFICIENT_FUNDS) or why it failed.' },
              pspCode: {
                type: 'string',
                description:
                  "DECLINED: the PSP's own code (Stripe `code`, e.g. card_declined; GMO-PG ErrCode, e.g. G02).",
              },
              pspDeclineCode: {
                type: 'string',
                description: "DECLINED: the PSP's detail (Stripe `decline_code`; GMO-PG ErrInfo, e.g. 42G020000).",
              },
            },
          },
          card: { oneOf: [{ type: 'null' }, ref('Card')] },
          balance: {
            description: 'Modes AUTHORIZE and CAPTURE, once approved; null otherwise.',
            oneOf: [{ type: 'null' }, ref('Balance')],
          },
          storedCard: {
            description: 'A merchant-initiated charge: the stored card it charged.',
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                properties: { storedCardReference: { type: 'string' }, registrationPaymentId: { type: 'string' } },
              },
            ],
          },
        },
      },
      Card: {
        type: 'object',
        description: 'The card as you may see it: never its number or security code.',
        required: ['brand', 'bin6', 'last4', 'expiryMonth', 'expiryYear'],
        properties: {
          brand: { type: 'string' },
          bin6: { type: 'string', pattern: '^[0-9]{6}$' },
          last4: { type: 'string', pattern: '^[0-9]{4}$' },
          expiryMonth: { type: 'integer', minimum: 1, maximum: 12 },
          expiryYear: { type: 'integer' },
        },
      },
      PaymentList: {
        type: 'object',
        required: ['data', 'nextCursor'],
        properties: {
          data: { type: 'array', items: ref('Payment') },
          nextCursor: {
            type: ['string', 'null'],
            description: 'Pass as `cursor` for the next page; null on the last.',
          },
        },
      },
      SetPspAccount: {
        type: 'object',
        additionalProperties: false,
        required: ['provider', 'credentials'],
        properties: {
          provider: { type: 'string', enum: [...PSP_PROVIDERS] },
          credentials: {
            type: 'object',
            additionalProperties: false,
            description: 'simulator/stripe: `apiKey`; gmo-pg: `shopId`, `shopPass`, `siteId`, `sitePass`.',
            properties: {
              apiKey: { type: 'string', maxLength: 255 },
              shopId: { type: 'string', maxLength: 13 },
              shopPass: { type: 'string', maxLength: 10 },
              siteId: { type: 'string', maxLength: 13 },
              sitePass: { type: 'string', maxLength: 20 },
            },
          },
        },
      },
      PspAccount: {
        type: 'object',
        required: ['accountId', 'default'],
        description: 'A PSP account as it may be shown: never its credentials.',
        properties: {
          accountId: { type: 'string', pattern: '^(default|pa_[0-9a-f]{24})$' },
          default: { type: 'boolean', description: "true: the deployment's own account (nothing of it is shown)." },
          provider: { type: 'string', enum: [...PSP_PROVIDERS] },
          shopId: { type: 'string', description: 'GMO-PG only.' },
          siteId: { type: 'string', description: 'GMO-PG only.' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      CreateApiKey: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'scopes'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          scopes: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: {
              type: 'string',
              enum: [
                'payments:read',
                'payments:write',
                'payments:refund',
                'api_keys:manage',
                'webhooks:manage',
                'psp_accounts:manage',
              ],
            },
          },
        },
      },
      ApiKey: {
        type: 'object',
        required: ['keyId', 'name', 'scopes', 'createdAt', 'revokedAt'],
        properties: {
          keyId: { type: 'string' },
          orderSystem: { type: 'string' },
          name: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
          createdAt: { type: 'string', format: 'date-time' },
          createdBy: { type: 'string' },
          revokedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      NewApiKey: {
        allOf: [
          ref('ApiKey'),
          {
            type: 'object',
            properties: {
              key: {
                type: 'string',
                description:
                  'The key, shown once: in the first answer only, and never stored in clear. A replay of the ' +
                  'request (`Idempotency-Replayed: true`) answers the same record without it; a lost key is ' +
                  'revoked and replaced, not shown again.',
              },
            },
          },
        ],
      },
      CreateWebhookEndpoint: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: {
            type: 'string',
            format: 'uri',
            maxLength: 2048,
            pattern: '^https?://',
            description:
              'https on port 443 with a public host; internal, loopback and link-local addresses are refused, ' +
              'also when the name resolves to one at delivery time (docs/api/webhooks.md).',
          },
          description: { type: 'string', maxLength: 200 },
        },
      },
      WebhookEndpoint: {
        type: 'object',
        required: ['endpointId', 'url', 'createdAt', 'disabledAt'],
        properties: {
          endpointId: { type: 'string' },
          orderSystem: { type: 'string' },
          url: { type: 'string' },
          description: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          disabledAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      NewWebhookEndpoint: {
        allOf: [
          ref('WebhookEndpoint'),
          {
            type: 'object',
            properties: {
              secret: {
                type: 'string',
                description:
                  'Signing secret, shown once: in the first answer only. A replay of the request ' +
                  '(`Idempotency-Replayed: true`) answers the same endpoint without it; a lost secret means ' +
                  'disabling the endpoint and registering a new one.',
              },
            },
          },
        ],
      },
      WebhookDelivery: {
        type: 'object',
        properties: {
          deliveryId: { type: 'string' },
          endpointId: { type: 'string' },
          paymentId: { type: 'string' },
          eventId: { type: 'string' },
          eventType: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
          attempts: { type: 'integer' },
          nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
          lastError: { type: ['string', 'null'] },
          lastStatusCode: { type: ['integer', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
          deliveredAt: { type: ['string', 'null'], format: 'date-time' },
          log: { type: 'array', items: { type: 'object' } },
        },
      },
      ...lifecycleSchemas,
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details.',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string', description: 'A URI naming the kind of problem, e.g. `/problems/validation`.' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          errors: {
            type: 'array',
            description: 'Each offending field.',
            items: {
              type: 'object',
              required: ['in', 'field', 'message'],
              properties: {
                in: { type: 'string', enum: ['body', 'query', 'path', 'header'] },
                field: { type: 'string', description: 'e.g. `amount`, `metadata.note`, `Idempotency-Key`.' },
                message: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};
