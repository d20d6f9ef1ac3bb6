import {
  type EventEnvelope,
  isPaymentMode,
  isPaymentOperation,
  PaymentEventTypes,
  type PaymentOperationRequestedPayload,
  type PaymentRequestedPayload,
  Topics,
} from '@ivr/contracts';
import { type KafkaLogger, type RunningConsumer, runConsumer } from '@ivr/kafka';
import type { Kafka } from 'kafkajs';
import type { Authorizations } from '../../app/authorizations';
import type { Schedule } from '../../app/background';
import { IdempotencyConflict, InvalidArgument } from '../../authorization';

export const PAYMENT_REQUESTS_GROUP = 'authorization-payment-requests';

export interface PaymentRequestsLogger {
  warn(obj: object, msg: string): void;
}

/**
 * What authorization does with order-link's Payment events (`ivr.payments.v1`): each
 * PaymentOperationRequested becomes a capture, void or refund at the PSP, and a PaymentRequested with a
 * stored card a merchant-initiated charge. The request is recorded here (idempotent: the same operation id
 * or payment id again changes nothing), the gateway call runs on `schedule`; its outcome reaches order-link
 * through `ivr.authorizations.v1`. A request that can never be carried out (malformed, or an id reused with
 * other parameters) is logged and skipped: retrying cannot fix it. So is one about a payment (or, for a
 * stored card, a registration) this service has no authorization of: it belongs to another deployment on
 * the same broker, which answers it; a refusal from here would be a false failure. Other events are ignored.
 */
export function paymentRequestsHandler(
  authorizations: Authorizations,
  schedule: Schedule,
  logger: PaymentRequestsLogger,
) {
  return async (envelope: EventEnvelope): Promise<void> => {
    const skip = (problem: string) =>
      logger.warn({ eventId: envelope.eventId, type: envelope.type, problem }, 'payment request skipped');
    try {
      if (envelope.type === PaymentEventTypes.operationRequested) {
        const p = envelope.payload as PaymentOperationRequestedPayload;
        const problem = operationProblem(p);
        if (problem) return skip(problem);
        // A payment this service never authorized is not its to refuse: another deployment (or another
        // test system) on the same broker owns it and answers. Refusing would publish a false failure.
        if (!(await authorizations.knows(p.paymentId))) return skip(`payment ${p.paymentId} has no authorization here`);
        await authorizations.requestOperation(
          {
            paymentId: p.paymentId,
            operationId: p.operationId,
            operation: p.operation,
            amount: p.operation === 'VOID' ? null : { minorUnits: p.amount, currency: p.currency },
            final: p.final,
            correlationId: envelope.correlationId ?? p.paymentId,
          },
          schedule,
        );
        return;
      }
      if (envelope.type === PaymentEventTypes.requested) {
        const p = envelope.payload as PaymentRequestedPayload;
        if (!p?.storedCard) return;
        const problem = storedCardProblem(p);
        if (problem) return skip(problem);
        // A registration this service never made is another deployment's (see above); a card this service
        // registered with another reference is refused by chargeStoredCard (recorded FAILED).
        if (!(await authorizations.knows(p.storedCard.registrationPaymentId))) {
          return skip(`registration ${p.storedCard.registrationPaymentId} has no authorization here`);
        }
        await authorizations.chargeStoredCard(
          {
            paymentId: p.paymentId,
            registrationPaymentId: p.storedCard.registrationPaymentId,
            storedCardReference: p.storedCard.storedCardReference,
            customerReference: p.storedCard.customerReference,
            mode: p.mode,
            amount: { minorUnits: p.amount, currency: p.currency },
            orderReference: p.orderId,
            correlationId: envelope.correlationId ?? p.paymentId,
          },
          schedule,
        );
      }
    } catch (error) {
      if (error instanceof InvalidArgument || error instanceof IdempotencyConflict) return skip(error.message);
      throw error;
    }
  };
}

function operationProblem(p: PaymentOperationRequestedPayload): string | null {
  if (typeof p !== 'object' || p === null) return 'payload must be an object';
  if (typeof p.paymentId !== 'string' || typeof p.operationId !== 'string')
    return 'paymentId and operationId are required';
  if (!isPaymentOperation(p.operation)) return 'operation must be CAPTURE, VOID or REFUND';
  if (!Number.isSafeInteger(p.amount) || typeof p.currency !== 'string') return 'amount and currency are required';
  if (typeof p.final !== 'boolean') return 'final must be a boolean';
  return null;
}

function storedCardProblem(p: PaymentRequestedPayload): string | null {
  const s = p.storedCard;
  if (!s || typeof s.registrationPaymentId !== 'string' || typeof s.storedCardReference !== 'string')
    return 'storedCard.registrationPaymentId and storedCardReference are required';
  if (typeof p.paymentId !== 'string' || !isPaymentMode(p.mode) || p.mode === 'REGISTER_CARD')
    return 'a stored card is charged in mode AUTHORIZE or CAPTURE';
  if (!Number.isSafeInteger(p.amount) || typeof p.currency !== 'string') return 'amount and currency are required';
  return null;
}

export function startPaymentRequests(
  kafka: Kafka,
  authorizations: Authorizations,
  schedule: Schedule,
  logger: KafkaLogger & PaymentRequestsLogger,
  options: { groupId?: string; onFailed?: (reason: string) => void } = {},
): Promise<RunningConsumer> {
  return runConsumer({
    kafka,
    groupId: options.groupId ?? PAYMENT_REQUESTS_GROUP,
    topics: [Topics.payments],
    handle: paymentRequestsHandler(authorizations, schedule, logger),
    // Requests recorded before this group existed were never sent: start at the oldest.
    fromBeginning: true,
    partitionsConsumedConcurrently: 6,
    // A database outage must not drop a request to the dead-letter topic: keep trying (backoff to 10 s).
    maxAttempts: 1000,
    logger,
    ...(options.onFailed ? { onFailed: options.onFailed } : {}),
  });
}
