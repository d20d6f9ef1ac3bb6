import type { IHeaders, KafkaMessage } from 'kafkajs';

export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
}

/**
 * The dead-letter copy of a message: same key and value byte for byte (so it can be replayed), the
 * original headers, and why and where it failed. The reason must already be masked.
 */
export function deadLetterMessage(
  source: DeadLetterSource,
  reason: string,
  attempts: number,
  now: Date = new Date(),
): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  return {
    key: source.message.key,
    value: source.message.value,
    headers: {
      ...source.message.headers,
      [DeadLetterHeaders.reason]: reason,
      [DeadLetterHeaders.sourceTopic]: source.topic,
      [DeadLetterHeaders.sourcePartition]: String(source.partition),
      [DeadLetterHeaders.sourceOffset]: source.message.offset,
      [DeadLetterHeaders.consumerGroup]: source.groupId,
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.failedAt]: now.toISOString(),
    },
  };
}
