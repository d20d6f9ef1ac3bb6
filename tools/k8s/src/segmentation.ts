// The segmentation matrix: flows computed from the rendered NetworkPolicies, given readable names,
// and the matrix the design declares (ARCHITECTURE.md §4 and §8), to compare the two.
import type { K8sObject } from './manifests';
import { ANYWHERE, computeFlows, describeSelector, type Flow, formatPorts, readWorkloads } from './reachability';
import type { ChartValues } from './values';

export interface MatrixRow {
  from: string;
  to: string;
  ports: string;
}
export interface DeclaredRow extends MatrixRow {
  /** Why the design needs this flow (shown to the auditor). */
  why: string;
}

/** Readable name of a workload the chart renders. */
export function workloadName(o: K8sObject): string {
  const labels = (o.kind === 'Pod' ? o.metadata.labels : undefined) ?? {};
  if (labels['app.kubernetes.io/component'] === 'chart-test') return 'helm test';
  const name = o.metadata.name;
  return o.kind === 'Job' ? `${name.replace(/-migrate$/, '')} migration` : name;
}

/** Readable name of an outside peer, from the values that produced it; the raw key when unknown. */
export function peerName(key: string, v: ChartValues): string {
  if (key === ANYWHERE) return 'anywhere';
  const cidr = /^cidr (\S+)/.exec(key)?.[1];
  if (cidr) {
    if (v.network.sbcCidrs.includes(cidr)) return 'SBC/PBX';
    if (v.network.pspCidrs.includes(cidr)) return 'PSP';
    if (v.network.webhookCidrs.some((w) => w.cidr === cidr)) return 'webhook endpoints';
    return key;
  }
  const peers: [string, string, Record<string, string>][] = [
    ['cluster DNS', v.network.dns.namespace, v.network.dns.podLabels],
    ['ingress controller', v.network.ingressControllerNamespace, {}],
    ['Prometheus', v.network.monitoringNamespace, {}],
    ['Kafka brokers', v.kafka.namespace, v.kafka.podLabels],
    ['PostgreSQL', v.postgres.namespace, v.postgres.podLabels],
    ['OTLP collector', v.network.otlp.namespace, v.network.otlp.podLabels],
  ];
  for (const [name, ns, labels] of peers) {
    if (key === `namespace ${ns} pods ${describeSelector({ matchLabels: labels })}`) return name;
  }
  return key;
}

export interface ComputedMatrix {
  rows: MatrixRow[];
  /** Outside peer name -> the peers as written in the policies. */
  peers: Map<string, Set<string>>;
  flows: Flow[];
}

export function computeMatrix(
  objects: K8sObject[],
  v: ChartValues,
  namespaceLabels: Record<string, Record<string, string>>,
): ComputedMatrix {
  const workloads = readWorkloads(objects, workloadName);
  const ids = new Set(workloads.map((w) => w.id));
  const flows = computeFlows(objects, workloads, namespaceLabels);
  const peers = new Map<string, Set<string>>();
  const name = (key: string) => {
    if (ids.has(key)) return key;
    const n = peerName(key, v);
    if (!peers.has(n)) peers.set(n, new Set());
    peers.get(n)!.add(key);
    return n;
  };
  const merged = new Map<string, Flow>();
  for (const f of flows) {
    const from = name(f.from);
    const to = name(f.to);
    const k = `${from}\u0000${to}`;
    const prev = merged.get(k);
    merged.set(k, { from, to, ports: [...(prev?.ports ?? []), ...f.ports] });
  }
  const rows = [...merged.values()].map((f) => ({ from: f.from, to: f.to, ports: formatPorts(f.ports) }));
  return { rows: sortRows(rows), peers, flows };
}

export function sortRows<T extends MatrixRow>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/** The flows the design allows, for the given values (ports and optional peers come from them). */
export function declaredMatrix(v: ChartValues): DeclaredRow[] {
  const s = v.services;
  const rows: DeclaredRow[] = [];
  const add = (from: string, to: string, ports: string, why: string) => rows.push({ from, to, ports, why });
  const tcp = (p: number) => `TCP ${p}`;
  const dns = 'TCP 53, UDP 53';
  const otlp = v.network.otlp.namespace !== '';
  const stateful: [string, boolean][] = [
    ['order-link', s.orderLink.enabled],
    ['call-control', s.callControl.enabled],
    ['authorization', s.authorization.enabled],
    ['notification', s.notification.enabled],
  ];
  const admin: [string, boolean, number][] = [
    ['authorization', s.authorization.enabled, s.authorization.ports.admin],
    ['call-control', s.callControl.enabled, s.callControl.ports.admin],
    ['dtmf-vault', s.dtmfVault.enabled, s.dtmfVault.ports.admin],
    ['notification', s.notification.enabled, s.notification.ports.admin],
    ['order-link', s.orderLink.enabled, s.orderLink.ports.admin],
  ];

  for (const [name, on] of stateful) {
    if (!on) continue;
    add(name, 'cluster DNS', dns, 'name resolution');
    add(name, 'Kafka brokers', tcp(v.kafka.port), 'events in and out (TLS, SCRAM, per-service ACLs)');
    add(name, 'PostgreSQL', tcp(v.postgres.port), 'its own database (event store, outbox, projections)');
    if (otlp) add(name, 'OTLP collector', tcp(v.network.otlp.port), 'traces');
    if (v.migrations.enabled) {
      add(`${name} migration`, 'cluster DNS', dns, 'name resolution');
      add(`${name} migration`, 'PostgreSQL', tcp(v.postgres.port), 'schema migrations before install/upgrade');
    }
  }
  for (const [name, on, port] of admin) {
    if (!on) continue;
    add('Prometheus', name, tcp(port), 'metrics scrape of the admin port (healthz/readyz/metrics only)');
    if (v.tests.enabled) add('helm test', name, tcp(port), 'helm test asks /readyz');
  }
  if (v.tests.enabled) add('helm test', 'cluster DNS', dns, 'name resolution');

  if (s.orderLink.enabled) {
    add('ingress controller', 'order-link', tcp(s.orderLink.ports.http), 'REST API and operator console');
    if (s.callControl.enabled)
      add('call-control', 'order-link', tcp(s.orderLink.ports.grpc), 'gRPC: resolve transfer code');
    if (s.authorization.enabled)
      add('authorization', 'order-link', tcp(s.orderLink.ports.grpc), "gRPC (mTLS): a merchant's PSP credentials");
    if (s.dtmfVault.enabled)
      add('dtmf-vault', 'order-link', tcp(s.orderLink.ports.grpc), "gRPC (mTLS): a merchant's PSP site credentials");
  }
  if (s.callControl.enabled) {
    add(
      'SBC/PBX',
      'call-control',
      `TCP ${s.callControl.ports.sip}, UDP ${s.callControl.ports.sip}`,
      'SIP of the IVR leg',
    );
    add(
      'call-control',
      'SBC/PBX',
      v.network.sbcSipPorts
        .flatMap((p) => [`TCP ${p}`, `UDP ${p}`])
        .sort()
        .join(', '),
      'SIP requests: BYE, REFER back to the operator',
    );
    if (s.authorization.enabled)
      add('call-control', 'authorization', tcp(s.authorization.ports.grpc), 'gRPC: authorize with the PSP token');
    if (s.dtmfVault.enabled)
      add(
        'call-control',
        'dtmf-vault',
        tcp(s.dtmfVault.ports.grpc),
        'gRPC (mTLS): media session, capture, masked progress',
      );
  }
  if (s.dtmfVault.enabled) {
    const rtp = s.dtmfVault.rtpPorts;
    const peerRtp = v.network.sbcRtpPorts;
    add(
      'SBC/PBX',
      'dtmf-vault',
      `UDP ${rtp.from}-${rtp.to}`,
      "RTP of the caller's leg (its keypad tones) and, agent-assisted, of the operator's leg",
    );
    add(
      'dtmf-vault',
      'SBC/PBX',
      `UDP ${peerRtp.from}-${peerRtp.to}`,
      'RTP prompts and the operator to the caller; to the operator, the caller with keypad tones masked',
    );
    add('dtmf-vault', 'PSP', tcp(v.network.pspPort), 'HTTPS: card registration/tokenization');
    add('dtmf-vault', 'cluster DNS', dns, 'name resolution (the PSP host)');
  }
  if (s.authorization.enabled)
    add('authorization', 'PSP', tcp(v.network.pspPort), 'HTTPS: authorize/capture/void with tokens');
  if (s.notification.enabled) {
    add('ingress controller', 'notification', tcp(s.notification.ports.http), 'SSE to operator screens');
    add('notification', 'webhook endpoints', 'TCP 443', 'signed webhooks to order systems');
    if (s.orderLink.enabled)
      add('order-link', 'notification', tcp(s.notification.ports.http), 'internal API: webhook endpoints, live-stream');
  }
  return sortRows(rows);
}

/** Rows in one matrix and not the other, as readable lines; empty when they agree. */
export function diffMatrices(computed: MatrixRow[], declared: MatrixRow[]): string[] {
  const key = (r: MatrixRow) => `${r.from} -> ${r.to}: ${r.ports}`;
  const c = new Set(computed.map(key));
  const d = new Set(declared.map(key));
  return [
    ...[...c].filter((k) => !d.has(k)).map((k) => `allowed by the policies, not declared: ${k}`),
    ...[...d].filter((k) => !c.has(k)).map((k) => `declared, not allowed by the policies: ${k}`),
  ];
}
