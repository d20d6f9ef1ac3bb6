// The custom resources (cert-manager, Strimzi, CloudNativePG) have no offline schemas here, so
// kubernetes-validate cannot check them. This checks what our manifests rely on: known kinds only,
// and the fields each operator needs to act, with the right types.
import { asArray, get, type K8sObject } from './manifests';

type Rule = (o: K8sObject) => string[];
const need = (o: K8sObject, path: string[], type: 'string' | 'number' | 'object' | 'array'): string[] => {
  const v = get(o, ...path);
  const ok = type === 'array' ? Array.isArray(v) : typeof v === type && v !== null;
  return ok ? [] : [`${path.join('.')} must be a ${type}`];
};
const STRIMZI_OPS = new Set([
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'AlterConfigs',
  'DescribeConfigs',
  'IdempotentWrite',
  'All',
]);

const RULES: Record<string, Rule> = {
  'cert-manager.io/v1/Certificate': (o) => [
    ...need(o, ['spec', 'secretName'], 'string'),
    ...need(o, ['spec', 'issuerRef', 'name'], 'string'),
    ...need(o, ['spec', 'dnsNames'], 'array'),
  ],
  'kafka.strimzi.io/v1beta2/KafkaTopic': (o) => [
    ...need(o, ['spec', 'topicName'], 'string'),
    ...need(o, ['spec', 'partitions'], 'number'),
    ...need(o, ['spec', 'replicas'], 'number'),
    ...need(o, ['metadata', 'labels', 'strimzi.io/cluster'], 'string'),
  ],
  'kafka.strimzi.io/v1beta2/KafkaUser': (o) => [
    ...need(o, ['spec', 'authentication', 'type'], 'string'),
    ...need(o, ['spec', 'authorization', 'acls'], 'array'),
    ...need(o, ['metadata', 'labels', 'strimzi.io/cluster'], 'string'),
    ...asArray(get(o, 'spec', 'authorization', 'acls')).flatMap((a, i) =>
      asArray(get(a, 'operations'))
        .filter((op) => !STRIMZI_OPS.has(String(op)))
        .map((op) => `acls[${i}]: unknown operation ${String(op)}`),
    ),
  ],
  'kafka.strimzi.io/v1beta2/Kafka': (o) => [
    ...need(o, ['spec', 'kafka', 'listeners'], 'array'),
    ...need(o, ['spec', 'entityOperator'], 'object'),
  ],
  'kafka.strimzi.io/v1beta2/KafkaNodePool': (o) => [
    ...need(o, ['spec', 'replicas'], 'number'),
    ...need(o, ['spec', 'roles'], 'array'),
  ],
  'postgresql.cnpg.io/v1/Cluster': (o) => [
    ...need(o, ['spec', 'instances'], 'number'),
    ...need(o, ['spec', 'storage', 'size'], 'string'),
  ],
  'postgresql.cnpg.io/v1/Database': (o) => [
    ...need(o, ['spec', 'cluster', 'name'], 'string'),
    ...need(o, ['spec', 'name'], 'string'),
    ...need(o, ['spec', 'owner'], 'string'),
  ],
};

/** Whether kubernetes-validate's built-in schemas cover this object (core and k8s.io groups). */
export function isBuiltIn(o: K8sObject): boolean {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return group === '' || group.endsWith('.k8s.io') || ['apps', 'batch', 'policy', 'autoscaling'].includes(group);
}

export function checkCustomResources(objects: K8sObject[], source: string): string[] {
  return objects
    .filter((o) => !isBuiltIn(o))
    .flatMap((o) => {
      const rule = RULES[`${o.apiVersion}/${o.kind}`];
      const id = `${source}: ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (!rule) return [`${id}: unknown custom resource ${o.apiVersion} ${o.kind}`];
      const nameOk = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata.name)
        ? []
        : ['metadata.name is not a DNS subdomain'];
      return [...nameOk, ...rule(o)].map((p) => `${id}: ${p}`);
    });
}
