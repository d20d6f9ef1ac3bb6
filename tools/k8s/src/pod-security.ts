// Pod Security Standard "restricted", checked on every pod template the chart renders, so that an
// install into the restricted namespaces of k8s/namespaces.yaml cannot be refused at admission.
import { asArray, asRecord, get, type K8sObject } from './manifests';

const ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function podSpec(o: K8sObject): Record<string, unknown> | undefined {
  if (o.kind === 'Pod') return asRecord(o.spec);
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    return asRecord(get(o, 'spec', 'template', 'spec'));
  return undefined;
}

export function restrictedViolations(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    const pod = podSpec(o);
    if (!pod) continue;
    const id = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
    const bad = (why: string) => out.push(`${id}: ${why}`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) bad('host namespaces');
    for (const v of asArray(pod.volumes)) {
      const type = Object.keys(asRecord(v)).find((k) => k !== 'name');
      if (!type || !ALLOWED_VOLUMES.includes(type)) bad(`volume type ${type}`);
    }
    const podNonRoot = get(pod, 'securityContext', 'runAsNonRoot') === true;
    const podSeccomp = get(pod, 'securityContext', 'seccompProfile', 'type');
    for (const c of [...asArray(pod.containers), ...asArray(pod.initContainers)].map(asRecord)) {
      const sc = asRecord(c.securityContext);
      const name = String(c.name);
      if (sc.privileged === true) bad(`${name}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) bad(`${name}: allowPrivilegeEscalation must be false`);
      if (!(podNonRoot || sc.runAsNonRoot === true) || sc.runAsNonRoot === false) bad(`${name}: runAsNonRoot`);
      if (sc.runAsUser === 0) bad(`${name}: runAsUser 0`);
      const seccomp = get(sc, 'seccompProfile', 'type') ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') bad(`${name}: seccompProfile`);
      if (!asArray(get(sc, 'capabilities', 'drop')).includes('ALL')) bad(`${name}: capabilities must drop ALL`);
      for (const cap of asArray(get(sc, 'capabilities', 'add')))
        if (cap !== 'NET_BIND_SERVICE') bad(`${name}: adds capability ${String(cap)}`);
      for (const p of asArray(c.ports)) if (get(p, 'hostPort') !== undefined) bad(`${name}: hostPort`);
    }
  }
  return out;
}
