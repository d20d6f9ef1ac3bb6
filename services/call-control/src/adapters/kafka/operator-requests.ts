// The operator's console requests reach call-control on ivr.payments.v1 (PaymentFieldRestartRequested,
// PaymentCancellationRequested). Every instance must see every request (the call may run on any of them),
// so each reads the topic in a group of its own, from the newest message on (an idle group expires on the
// broker); other payment events are skipped.
import { PaymentEventTypes as P, Topics } from '@ivr/contracts';
import { type KafkaLogger, type RunConsumerOptions, type RunningConsumer, runConsumer } from '@ivr/kafka';
import type { OperatorRequestInbox } from '../../app/operator-requests';

const KIND = {
  [P.fieldRestartRequested]: 'restart-field',
  [P.cancellationRequested]: 'cancel',
} as const;

export function consumeOperatorRequests(o: {
  kafka: RunConsumerOptions['kafka'];
  groupId: string;
  inbox: OperatorRequestInbox;
  logger: KafkaLogger;
  onFailed: (reason: string) => void;
}): Promise<RunningConsumer> {
  return runConsumer({
    kafka: o.kafka,
    groupId: o.groupId,
    topics: [Topics.payments],
    fromBeginning: false,
    maxAttempts: 1,
    logger: o.logger,
    onFailed: o.onFailed,
    handle: async (envelope) => {
      if (envelope.type !== P.fieldRestartRequested && envelope.type !== P.cancellationRequested) return;
      const paymentId = (envelope.payload as { paymentId?: unknown }).paymentId;
      if (typeof paymentId !== 'string') return;
      o.inbox.deliver(paymentId, { kind: KIND[envelope.type], eventId: envelope.eventId });
    },
  });
}
