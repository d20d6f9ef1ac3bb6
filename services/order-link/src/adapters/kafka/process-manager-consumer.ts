import { type EventEnvelope, Topics } from '@ivr/contracts';
import { type KafkaLogger, type RunningConsumer, runConsumer } from '@ivr/kafka';
import type { Kafka as KafkaClient } from 'kafkajs';
import type { PaymentCommands } from '../../app/ports';
import { PaymentRejected, routeForeignEvent } from '../../payment';
import { payloadProblem } from './payload-guards';

export const PROCESS_MANAGER_GROUP = 'order-link-process-manager';

export interface ConsumerLogger {
  warn(obj: object, msg: string): void;
}

/**
 * Folds call and authorization events into their payments. Idempotent: the processed-event mark is
 * written in the same transaction as the payment's new events, so a redelivered event has no effect.
 * An event for an unknown payment or with an unusable payload is logged and skipped: retrying cannot fix it.
 */
export function handleForeignEvent(payments: PaymentCommands, logger: ConsumerLogger) {
  return async (envelope: EventEnvelope): Promise<void> => {
    const problem = payloadProblem(envelope.type, envelope.payload);
    if (problem) {
      logger.warn(
        { eventId: envelope.eventId, type: envelope.type, problem },
        'skipping an event with an unusable payload',
      );
      return;
    }
    const routed = routeForeignEvent({
      type: envelope.type,
      payload: envelope.payload,
      occurredAt: envelope.occurredAt,
    });
    if (!routed) return;
    try {
      await payments.execute(routed.paymentId, routed.command, {
        actor: `system:${envelope.aggregateType.toLowerCase()}`,
        dedupe: { consumer: PROCESS_MANAGER_GROUP, eventId: envelope.eventId },
        causationId: envelope.eventId,
        correlationId: envelope.correlationId ?? routed.paymentId,
      });
    } catch (err) {
      if (err instanceof PaymentRejected && err.code === 'NOT_FOUND') {
        logger.warn(
          { eventId: envelope.eventId, type: envelope.type, paymentId: routed.paymentId },
          'event for an unknown payment skipped',
        );
        return;
      }
      throw err;
    }
  };
}

export interface ProcessManagerOptions {
  groupId?: string;
  /** Where a new group starts; default true: every payment's history counts. */
  fromBeginning?: boolean;
  /** kafkajs gave up on the consumer: end the service (`ctx.fail`). */
  onFailed?: (reason: string) => void;
}

export function startProcessManager(
  kafka: KafkaClient,
  payments: PaymentCommands,
  logger: KafkaLogger,
  options: ProcessManagerOptions = {},
): Promise<RunningConsumer> {
  return runConsumer({
    kafka,
    groupId: options.groupId ?? PROCESS_MANAGER_GROUP,
    topics: [Topics.calls, Topics.authorizations],
    handle: handleForeignEvent(payments, logger),
    fromBeginning: options.fromBeginning ?? true,
    ...(options.onFailed ? { onFailed: options.onFailed } : {}),
    // Payments are independent: partitions in parallel, each still in order (per-payment order holds).
    partitionsConsumedConcurrently: 3,
    logger,
  });
}
