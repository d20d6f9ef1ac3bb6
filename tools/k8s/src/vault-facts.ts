// Facts about the vault's pod and its surroundings, read from the rendered objects, each with the
// evidence that shows it. Every fact must hold; the auditor's document lists them.
import { asArray, asRecord, get, isWorkload, type K8sObject } from './manifests';

export interface Fact {
  claim: string;
  holds: boolean;
  evidence: string;
}

const VAULT = 'dtmf-vault';

export interface VaultInputs {
  chart: K8sObject[];
  namespaces: K8sObject[];
  kafka: K8sObject[];
  postgres: K8sObject[];
  releaseNamespace: string;
}

export function vaultFacts({ chart, namespaces, kafka, postgres, releaseNamespace }: VaultInputs): Fact[] {
  const facts: Fact[] = [];
  const fact = (claim: string, holds: boolean, evidence: string) => facts.push({ claim, holds, evidence });
  const deployment = chart.find((o) => isWorkload(o) && o.metadata.name === VAULT);
  if (!deployment)
    return [{ claim: 'the chart renders the vault', holds: false, evidence: 'no StatefulSet dtmf-vault' }];
  const ns = deployment.metadata.namespace ?? '';
  const pod = asRecord(get(deployment, 'spec', 'template', 'spec'));
  const containers = asArray(pod.containers).map(asRecord);
  const sc = (c: Record<string, unknown>, key: string) => get(c, 'securityContext', key);

  fact(
    'runs in its own namespace',
    ns !== '' && ns !== releaseNamespace,
    `${deployment.kind} dtmf-vault in namespace ${ns}; the other services in ${releaseNamespace}`,
  );
  const nsObj = namespaces.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
  const enforce = nsObj?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  fact(
    'its namespace enforces Pod Security "restricted"',
    enforce === 'restricted',
    `k8s/namespaces.yaml: ${ns} pod-security.kubernetes.io/enforce=${enforce ?? '(none)'}`,
  );
  const denies = [...chart, ...namespaces].filter(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      o.metadata.namespace === ns &&
      Object.keys(asRecord(get(o, 'spec', 'podSelector'))).length === 0 &&
      asArray(get(o, 'spec', 'ingress')).length === 0 &&
      asArray(get(o, 'spec', 'egress')).length === 0 &&
      asArray(get(o, 'spec', 'policyTypes')).length === 2,
  );
  fact(
    'its namespace denies all traffic by default',
    denies.length > 0,
    denies.length > 0
      ? `NetworkPolicies ${denies.map((d) => `${ns}/${d.metadata.name}`).join(', ')} (chart, k8s/namespaces.yaml): all pods, Ingress and Egress, no rule`
      : 'no default-deny policy',
  );
  fact(
    'no service-account token is mounted',
    pod.automountServiceAccountToken === false,
    `automountServiceAccountToken: ${String(pod.automountServiceAccountToken)}`,
  );
  const sa = chart.find(
    (o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName && o.metadata.namespace === ns,
  );
  fact(
    'its ServiceAccount mounts no token either',
    sa?.automountServiceAccountToken === false,
    `ServiceAccount ${ns}/${String(pod.serviceAccountName)}`,
  );
  const mounts = containers.flatMap((c) => asArray(c.volumeMounts));
  fact(
    'no volume at all',
    asArray(pod.volumes).length === 0 && mounts.length === 0,
    `volumes: ${asArray(pod.volumes).length}, volumeMounts: ${mounts.length}`,
  );
  fact(
    'read-only root filesystem',
    containers.every((c) => sc(c, 'readOnlyRootFilesystem') === true),
    'securityContext.readOnlyRootFilesystem: true',
  );
  fact(
    'non-root, no privilege escalation',
    get(pod, 'securityContext', 'runAsNonRoot') === true &&
      containers.every((c) => sc(c, 'runAsNonRoot') === true && sc(c, 'allowPrivilegeEscalation') === false),
    `runAsNonRoot: true, runAsUser: ${String(get(pod, 'securityContext', 'runAsUser'))}, allowPrivilegeEscalation: false`,
  );
  fact(
    'all capabilities dropped, none added',
    containers.every(
      (c) =>
        JSON.stringify(get(c, 'securityContext', 'capabilities', 'drop')) === '["ALL"]' &&
        get(c, 'securityContext', 'capabilities', 'add') === undefined,
    ),
    'capabilities.drop: [ALL]',
  );
  fact(
    'seccomp RuntimeDefault',
    get(pod, 'securityContext', 'seccompProfile', 'type') === 'RuntimeDefault',
    'securityContext.seccompProfile.type: RuntimeDefault',
  );
  fact(
    'no host network, PID or IPC',
    !pod.hostNetwork && !pod.hostPID && !pod.hostIPC,
    'hostNetwork/hostPID/hostIPC unset',
  );

  const env = containers.flatMap((c) => asArray(c.env).map(asRecord));
  const secretRefs = env
    .map((e) => get(e, 'valueFrom', 'secretKeyRef', 'name'))
    .filter((n): n is string => typeof n === 'string');
  const envFrom = containers.flatMap((c) => asArray(c.envFrom));
  const suspicious = env.map((e) => String(e.name)).filter((n) => /KAFKA|DATABASE|PG|POSTGRES/.test(n));
  fact(
    'no Kafka or database settings or credentials',
    suspicious.length === 0 && envFrom.length === 0,
    `environment names: ${env.map((e) => String(e.name)).join(', ')}`,
  );
  fact(
    'the only Secrets it reads: its own TLS identity and the PSP API key',
    secretRefs.every((n) => n === `${VAULT}-tls` || /psp/.test(n)),
    `Secrets referenced: ${[...new Set(secretRefs)].join(', ')}`,
  );
  const pspUrl = env.find((e) => e.name === 'PSP_URL')?.value;
  fact(
    'it registers cards at an https PSP URL (the card leaves the pod over TLS only)',
    typeof pspUrl === 'string' && pspUrl.startsWith('https://'),
    `PSP_URL=${String(pspUrl)}`,
  );
  const cert = (name: string) => chart.find((o) => o.kind === 'Certificate' && o.metadata.name === name);
  const vaultCert = cert(VAULT);
  const callerCert = cert('call-control');
  const allowed = env.find((e) => e.name === 'GRPC_ALLOWED_CLIENTS')?.value;
  fact(
    'its gRPC identity and the only client it admits are certificates of the cluster CA',
    get(vaultCert, 'spec', 'commonName') === VAULT &&
      get(vaultCert, 'spec', 'secretName') === `${VAULT}-tls` &&
      vaultCert?.metadata.namespace === ns &&
      get(callerCert, 'spec', 'commonName') === 'call-control' &&
      allowed === 'call-control',
    `Certificate ${ns}/${VAULT} CN=${String(get(vaultCert, 'spec', 'commonName'))}; client allowed: ${String(allowed)} (Certificate CN=${String(get(callerCert, 'spec', 'commonName'))}); issuer ${String(get(vaultCert, 'spec', 'issuerRef', 'kind'))}/${String(get(vaultCert, 'spec', 'issuerRef', 'name'))}`,
  );
  const kafkaUsers = kafka.filter((o) => o.kind === 'KafkaUser');
  const vaultAcl = kafkaUsers.some((u) => u.metadata.name === VAULT);
  fact(
    'no KafkaUser for the vault',
    kafkaUsers.length > 0 && !vaultAcl,
    `KafkaUsers: ${kafkaUsers.map((u) => u.metadata.name).join(', ')}`,
  );
  const dbs = postgres.filter((o) => o.kind === 'Database').map((o) => String(get(o, 'spec', 'name')));
  const roles = postgres.flatMap((o) => asArray(get(o, 'spec', 'managed', 'roles')).map((r) => String(get(r, 'name'))));
  fact(
    'no database or database role for the vault',
    dbs.length > 0 && ![...dbs, ...roles].some((n) => /vault/.test(n)),
    `databases: ${dbs.join(', ')}; roles: ${roles.join(', ')}`,
  );
  const jobs = chart.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith(VAULT));
  fact(
    'no migration Job for the vault',
    jobs.length === 0,
    `Jobs: ${chart
      .filter((o) => o.kind === 'Job')
      .map((o) => o.metadata.name)
      .join(', ')}`,
  );
  return facts;
}

/** Which Secrets each service's pods read (env and volumes): what credentials each component holds. */
export function secretsByService(chart: K8sObject[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of chart.filter(isWorkload)) {
    const pod = asRecord(get(d, 'spec', 'template', 'spec'));
    const names = new Set<string>();
    for (const c of asArray(pod.containers))
      for (const e of asArray(get(c, 'env'))) {
        const n = get(e, 'valueFrom', 'secretKeyRef', 'name');
        const k = get(e, 'valueFrom', 'secretKeyRef', 'key');
        if (typeof n === 'string') names.add(`${n} (${String(k)}, env)`);
      }
    for (const v of asArray(pod.volumes)) {
      const n = get(v, 'secret', 'secretName');
      if (typeof n === 'string') names.add(`${n} (file)`);
    }
    out.set(d.metadata.name, [...names].sort());
  }
  return out;
}
