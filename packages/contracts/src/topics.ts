/**
 * Every Kafka topic of the product, declared once. scripts/create-topics.ts creates them (the broker
 * never auto-creates), the Helm/Strimzi manifests are checked against this list, and services take
 * topic names from here rather than from string literals.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Who writes it, for the ACLs in k8s/ and for readers of this file. */
  producers: string[];
  /**
   * Who reads it: becomes Kafka Read ACLs, so exactly the services whose code consumes it
   * (tools/k8s/test/topic-consumers.unit.test.ts derives them from the runConsumer calls and compares).
   */
  consumers: string[];
  /** Retention in hours; -1 keeps forever. */
  retentionHours: number;
  description: string;
}

export const Topics = {
  payments: 'ivr.payments.v1',
  calls: 'ivr.calls.v1',
  callProgress: 'ivr.call-progress.v1',
  authorizations: 'ivr.authorizations.v1',
  paymentCompleted: 'ivr.payment-completed.v1',
  paymentLifecycle: 'ivr.payment-lifecycle.v1',
  deadLetter: 'ivr.dead-letter.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const topicSpecs: TopicSpec[] = [
  {
    name: Topics.payments,
    partitions: 6,
    producers: ['order-link'],
    // call-control: the operator's console requests of agent-assisted calls (restart the field, cancel);
    // authorization: the captures, voids and refunds to send, and merchant-initiated charges.
    consumers: ['notification', 'call-control', 'authorization'],
    retentionHours: 24 * 30,
    description: 'Payment aggregate events (requested, cancelled, completed, operations, ...), keyed by payment id.',
  },
  {
    name: Topics.calls,
    partitions: 6,
    producers: ['call-control'],
    consumers: ['order-link', 'notification'],
    retentionHours: 24 * 30,
    description:
      'Call aggregate events, keyed by call id: each card field stored once (completed, rejected, timed out, restarted), masked.',
  },
  {
    name: Topics.callProgress,
    partitions: 6,
    producers: ['call-control'],
    consumers: ['notification'],
    // Live only: nobody reads it later (the stored summary of each field is on ivr.calls.v1).
    retentionHours: 1,
    description:
      "Live masked capture progress for the operator's screen (digits entered so far, brand), one message per key, keyed by call id; not stored.",
  },
  {
    name: Topics.authorizations,
    partitions: 6,
    producers: ['authorization'],
    consumers: ['order-link'],
    retentionHours: 24 * 30,
    description: 'Authorization aggregate events (requested, approved, declined, ...), keyed by payment id.',
  },
  {
    name: Topics.paymentCompleted,
    partitions: 6,
    producers: ['order-link'],
    consumers: ['notification', 'order systems'],
    retentionHours: 24 * 90,
    description: 'Public: one event per terminal payment outcome, keyed by order id. Documented in AsyncAPI.',
  },
  {
    name: Topics.paymentLifecycle,
    partitions: 6,
    producers: ['order-link'],
    // notification: the lifecycle webhooks (payment.captured, ...).
    consumers: ['notification', 'order systems'],
    retentionHours: 24 * 90,
    description:
      'Public: one event per settled capture, void or refund of an approved payment, keyed by order id. Documented in AsyncAPI.',
  },
  {
    name: Topics.deadLetter,
    partitions: 1,
    // Written only by runConsumer (@ivr/kafka), so only by the services that consume.
    producers: ['order-link', 'notification', 'call-control', 'authorization'],
    consumers: [],
    retentionHours: 24 * 30,
    description: 'Messages a consumer could not handle, with the reason in headers. Never card data.',
  },
];
