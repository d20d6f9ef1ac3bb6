import { join } from 'node:path';
import { topicSpecs } from '@ivr/contracts';
import { consumerGrantProblems, deriveConsumers } from '../src/topic-consumers';

const SERVICES = join(__dirname, '..', '..', '..', 'services');

describe('Kafka read grants (topics.ts, deployed as KafkaUser ACLs) against what the services consume', () => {
  const derived = deriveConsumers(SERVICES);

  it('finds the consumers in the code', () => {
    // If this changes, the grants below must follow: that is the point of the check.
    expect(Object.fromEntries(derived.reads)).toEqual({
      authorization: ['ivr.payments.v1'],
      'call-control': ['ivr.payments.v1'],
      'dtmf-vault': [],
      notification: [
        'ivr.call-progress.v1',
        'ivr.calls.v1',
        'ivr.payment-completed.v1',
        'ivr.payment-lifecycle.v1',
        'ivr.payments.v1',
      ],
      'order-link': ['ivr.authorizations.v1', 'ivr.calls.v1'],
    });
    expect(derived.problems).toEqual([]);
  });

  it('grants each service exactly the topics it consumes, and dead-letter writes only to consumers', () => {
    expect(consumerGrantProblems(topicSpecs, derived)).toEqual([]);
  });

  it('reports a grant nobody uses and a consumer without a grant', () => {
    const specs = [
      { name: 'ivr.calls.v1', producers: ['call-control'], consumers: ['order-link', 'call-control'] },
      { name: 'ivr.payments.v1', producers: ['order-link'], consumers: [] },
    ];
    const fake = {
      reads: new Map([
        ['order-link', ['ivr.calls.v1', 'ivr.payments.v1']],
        ['call-control', []],
      ]),
      problems: [],
    };
    expect(consumerGrantProblems(specs, fake)).toEqual([
      'ivr.calls.v1: topics.ts lets call-control read it, but call-control never consumes it',
      'ivr.payments.v1: order-link consumes it, but topics.ts does not list it',
    ]);
  });
});
