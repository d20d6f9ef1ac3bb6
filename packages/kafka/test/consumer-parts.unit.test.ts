import type { KafkaMessage } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { DeadLetterHeaders, deadLetterMessage, type KafkaLogger, maskText } from '../src';
import { isUnknownTopic } from '../src/create-kafka';
import { kafkajsLogCreator } from '../src/logger';
import { waitWithHeartbeat } from '../src/wait-with-heartbeat';

describe('waitWithHeartbeat', () => {
  it('returns false as soon as stop is signalled', async () => {
    const heartbeat = jest.fn(async () => {});
    await expect(waitWithHeartbeat(60_000, heartbeat, Promise.resolve())).resolves.toBe(false);
  });

  it('returns true after the delay', async () => {
    await expect(waitWithHeartbeat(5, async () => {}, new Promise(() => {}))).resolves.toBe(true);
  });
});

describe('maskText', () => {
  it('masks Luhn-valid card-like digit runs, with or without separators', () => {
    expect(maskText('declined 4242424242424242 now')).toBe('declined [masked] now');
    expect(maskText('card 4242 4242 4242 4242.')).toBe('card [masked].');
    expect(maskText('amex 378282246310005')).toBe('amex [masked]');
  });

  it('leaves other numbers alone', () => {
    expect(maskText('order 1234567890123 at offset 42')).toBe('order 1234567890123 at offset 42');
  });

  it('bounds the length', () => {
    expect(maskText('x'.repeat(2000)).length).toBeLessThanOrEqual(501);
  });
});

describe('deadLetterMessage', () => {
  it('keeps key, value and headers and adds where and why it failed', () => {
    const message: KafkaMessage = {
      key: Buffer.from('pay-1'),
      value: Buffer.from('{not json'),
      timestamp: '0',
      attributes: 0,
      offset: '17',
      headers: { traceparent: Buffer.from('00-a-b-01') },
    };
    const copy = deadLetterMessage(
      { topic: 'ivr.payments.v1', partition: 3, message, groupId: 'notification' },
      'malformed envelope: value is not JSON',
      0,
      new Date('2026-11-26T12:00:00Z'),
    );
    expect(copy.key).toBe(message.key);
    expect(copy.value).toBe(message.value);
    expect(copy.headers).toEqual({
      traceparent: message.headers?.traceparent,
      [DeadLetterHeaders.reason]: 'malformed envelope: value is not JSON',
      [DeadLetterHeaders.sourceTopic]: 'ivr.payments.v1',
      [DeadLetterHeaders.sourcePartition]: '3',
      [DeadLetterHeaders.sourceOffset]: '17',
      [DeadLetterHeaders.consumerGroup]: 'notification',
      [DeadLetterHeaders.attempts]: '0',
      [DeadLetterHeaders.failedAt]: '2026-11-26T12:00:00.000Z',
    });
  });
});

describe('kafkajs log routing', () => {
  it('maps kafkajs levels to the logger and keeps fields as data', () => {
    const calls: [string, object, string | undefined][] = [];
    const record =
      (level: string) =>
      (obj: object, msg?: string): void => {
        calls.push([level, obj, msg]);
      };
    const logger: KafkaLogger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const log = kafkajsLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel) => ({
      namespace: 'Consumer',
      level,
      label: 'x',
      log: { timestamp: 't', logger: 'kafkajs', message: 'hello', groupId: 'g' },
    });
    log(entry(logLevel.ERROR));
    log(entry(logLevel.WARN));
    log(entry(logLevel.INFO));
    log(entry(logLevel.DEBUG));
    expect(calls.map((c) => c[0])).toEqual(['error', 'warn', 'info', 'debug']);
    expect(calls[0]).toEqual(['error', { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' }, 'hello']);
  });
});

describe('isUnknownTopic', () => {
  it('finds the unknown-topic error directly or as a cause after retries', () => {
    const protocol = Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect(isUnknownTopic(protocol)).toBe(true);
    expect(isUnknownTopic(new Error('retries exceeded', { cause: protocol }))).toBe(true);
    expect(isUnknownTopic(new Error('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(isUnknownTopic('not an error')).toBe(false);
  });
});
