// Strimzi KafkaTopics and KafkaUsers generated from packages/contracts/src/topics.ts, the one list of
// topics: each service gets exactly the topics it produces or consumes there, nothing more.
import { type TopicSpec, topicSpecs } from '@ivr/contracts';
import { stringify } from 'yaml';

export const KAFKA_CLUSTER = 'ivr-kafka';
export const KAFKA_NAMESPACE = 'ivr';
/** Consumers in topics.ts that are not services of ours (they get an example user of their own). */
const EXTERNAL = new Set(['order systems']);
const REPLICAS = 3;

const header = (what: string) =>
  `# GENERATED from packages/contracts/src/topics.ts by tools/k8s/src/kafka-manifests.ts (make chart-generate).\n# Do not edit: make test-chart fails when this file differs from the generated one.\n# ${what}\n`;

function topicResourceName(topic: string): string {
  return topic.replace(/\./g, '-');
}

export function kafkaTopics(specs: TopicSpec[] = topicSpecs): string {
  const docs = specs.map((t) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      name: topicResourceName(t.name),
      namespace: KAFKA_NAMESPACE,
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER },
      annotations: { 'ivr.example.com/description': t.description },
    },
    spec: {
      topicName: t.name,
      partitions: t.partitions,
      replicas: REPLICAS,
      config: {
        'retention.ms': t.retentionHours < 0 ? -1 : t.retentionHours * 3600 * 1000,
        'min.insync.replicas': 2,
        'cleanup.policy': 'delete',
      },
    },
  }));
  return (
    header(
      'Topics: partitions and retention as declared; replicas 3, min.insync.replicas 2 (acks=all survives one broker).',
    ) + docs.map((d) => `---\n${stringify(d)}`).join('')
  );
}

interface Acl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: string[];
}

/** Every Kafka client of topics.ts and its ACLs: Write+Describe where it produces, Read+Describe where it consumes, its own consumer groups. */
export function kafkaAcls(specs: TopicSpec[] = topicSpecs): Map<string, Acl[]> {
  const users = new Map<string, Acl[]>();
  const acl = (user: string, a: Acl) => {
    if (!users.has(user)) users.set(user, []);
    users.get(user)!.push(a);
  };
  const userName = (client: string) => (EXTERNAL.has(client) ? client.replace(/\s+/g, '-') : client);
  for (const t of specs) {
    for (const p of t.producers)
      acl(userName(p), {
        resource: { type: 'topic', name: t.name, patternType: 'literal' },
        operations: ['Write', 'Describe'],
      });
    for (const c of t.consumers)
      acl(userName(c), {
        resource: { type: 'topic', name: t.name, patternType: 'literal' },
        operations: ['Read', 'Describe'],
      });
  }
  for (const [user, acls] of users) {
    if (acls.some((a) => a.operations.includes('Read'))) {
      acls.push({ resource: { type: 'group', name: `${user}`, patternType: 'prefix' }, operations: ['Read'] });
    }
  }
  return new Map([...users.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function kafkaUsers(specs: TopicSpec[] = topicSpecs): string {
  const docs = [...kafkaAcls(specs)].map(([user, acls]) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name: user, namespace: KAFKA_NAMESPACE, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: acls.map((a) => ({ resource: a.resource, operations: a.operations })),
      },
    },
  }));
  return (
    header(
      'Users: one per Kafka client (SCRAM-SHA-512; Strimzi writes the password into a Secret named like the user).\n# The vault has none: it is not a Kafka client. "order-systems" is an example for the public topic.',
    ) + docs.map((d) => `---\n${stringify(d)}`).join('')
  );
}
