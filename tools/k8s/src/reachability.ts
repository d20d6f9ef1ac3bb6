// Who may talk to whom, computed from NetworkPolicies alone (Kubernetes semantics, no CNI extras):
// a pod selected by no policy of a direction is open in that direction; a selected pod admits the
// union of its policies' rules; traffic between two of our pods needs the sender's egress AND the
// receiver's ingress. Peers outside the rendered pods (CIDRs, other namespaces) are reported as
// they are written, since their own policies are not ours to know.
import { asArray, asRecord, get, type K8sObject, type Labels } from './manifests';

/** A pod template this chart renders (Deployment, Job, Pod), known by a readable id. */
export interface Workload {
  id: string;
  namespace: string;
  labels: Labels;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export interface PortRange {
  protocol: Protocol;
  from: number;
  to: number;
}

/** An endpoint: one of our workloads (its id) or an outside peer, written as a stable key. */
export interface Flow {
  from: string;
  to: string;
  ports: PortRange[];
}

const ALL_PORTS: PortRange[] = (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ protocol, from: 1, to: 65535 }));
export const ANYWHERE = 'anywhere';

interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(selector: Selector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? has && values.includes(value!)
        : e.operator === 'NotIn'
          ? !has || !values.includes(value!)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : (() => {
                  throw new Error(`unknown selector operator ${e.operator}`);
                })();
    if (!ok) return false;
  }
  return true;
}

export function describeSelector(selector: Selector | undefined): string {
  if (!selector) return '*';
  const parts = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) parts.push(`${e.key} ${e.operator} (${(e.values ?? []).join(',')})`);
  return parts.length === 0 ? '*' : parts.join(',');
}

export function parsePorts(ports: unknown, where: string): PortRange[] {
  if (ports === undefined || ports === null) return ALL_PORTS;
  const list = asArray(ports);
  if (list.length === 0) return ALL_PORTS;
  return list.map((raw) => {
    const p = asRecord(raw);
    const protocol = (p.protocol ?? 'TCP') as Protocol;
    if (p.port === undefined) return { protocol, from: 1, to: 65535 };
    if (typeof p.port !== 'number') throw new Error(`${where}: named port ${String(p.port)}; write the number`);
    const to = typeof p.endPort === 'number' ? p.endPort : p.port;
    return { protocol, from: p.port, to };
  });
}

/** Sorted, merged, so that equal sets compare equal. */
export function normalizePorts(ports: PortRange[]): PortRange[] {
  const sorted = [...ports].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.from - b.from || a.to - b.to);
  const out: PortRange[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.protocol === p.protocol && p.from <= last.to + 1) last.to = Math.max(last.to, p.to);
    else out.push({ ...p });
  }
  return out;
}

export function intersectPorts(a: PortRange[], b: PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a)
    for (const y of b) {
      if (x.protocol !== y.protocol) continue;
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ protocol: x.protocol, from, to });
    }
  return normalizePorts(out);
}

export function formatPorts(ports: PortRange[]): string {
  const n = normalizePorts(ports);
  if (n.length === 3 && n.every((p) => p.from === 1 && p.to === 65535)) return 'all';
  return n.map((p) => `${p.protocol} ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`).join(', ');
}

interface Policy {
  name: string;
  namespace: string;
  podSelector: Selector;
  ingress?: Rule[];
  egress?: Rule[];
}
interface Rule {
  peers: Record<string, unknown>[] | undefined;
  ports: PortRange[];
}

function readPolicies(objects: K8sObject[]): Policy[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => {
      const where = `NetworkPolicy ${o.metadata.namespace}/${o.metadata.name}`;
      if (!o.metadata.namespace)
        throw new Error(`${where}: no namespace; every rendered policy must name its namespace`);
      const spec = asRecord(o.spec);
      const hasEgress = spec.egress !== undefined;
      const types = asArray(spec.policyTypes ?? (hasEgress ? ['Ingress', 'Egress'] : ['Ingress']));
      const rules = (key: 'ingress' | 'egress', peerKey: 'from' | 'to') =>
        asArray(spec[key]).map((raw) => {
          const r = asRecord(raw);
          const peers = r[peerKey] === undefined ? undefined : asArray(r[peerKey]).map(asRecord);
          return { peers: peers && peers.length === 0 ? undefined : peers, ports: parsePorts(r.ports, where) };
        });
      return {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        podSelector: asRecord(spec.podSelector) as Selector,
        ingress: types.includes('Ingress') ? rules('ingress', 'from') : undefined,
        egress: types.includes('Egress') ? rules('egress', 'to') : undefined,
      };
    });
}

/** Pod templates of Deployments, StatefulSets, DaemonSets, Jobs, and bare Pods, named by `name`. */
export function readWorkloads(objects: K8sObject[], name: (o: K8sObject) => string): Workload[] {
  const out: Workload[] = [];
  for (const o of objects) {
    const labels =
      o.kind === 'Pod'
        ? o.metadata.labels
        : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)
          ? (get(o, 'spec', 'template', 'metadata', 'labels') as Labels | undefined)
          : undefined;
    if (labels === undefined) continue;
    out.push({ id: name(o), namespace: o.metadata.namespace ?? 'default', labels });
  }
  return out;
}

/**
 * Every allowed flow among `workloads` and between them and outside peers.
 * `namespaceLabels` gives the labels of the namespaces the workloads live in (metadata.name is added).
 */
export function computeFlows(
  objects: K8sObject[],
  workloads: Workload[],
  namespaceLabels: Record<string, Labels>,
): Flow[] {
  const policies = readPolicies(objects);
  const ourNamespaces = new Set(workloads.map((w) => w.namespace));
  const nsLabels = (ns: string): Labels => ({ ...(namespaceLabels[ns] ?? {}), 'kubernetes.io/metadata.name': ns });
  const flows = new Map<string, Flow>();
  const add = (from: string, to: string, ports: PortRange[]) => {
    if (ports.length === 0) return;
    const key = `${from}\u0000${to}`;
    const existing = flows.get(key);
    flows.set(key, { from, to, ports: normalizePorts([...(existing?.ports ?? []), ...ports]) });
  };

  /** The outside endpoint a peer names, or undefined when it only names our own namespaces. */
  const outsideKey = (peer: Record<string, unknown>): string | undefined => {
    const ip = asRecord(peer.ipBlock);
    if (typeof ip.cidr === 'string') {
      const except = asArray(ip.except).map(String);
      return except.length > 0 ? `cidr ${ip.cidr} except ${except.join(' ')}` : `cidr ${ip.cidr}`;
    }
    const nsSel = peer.namespaceSelector as Selector | undefined;
    const pods = describeSelector(peer.podSelector as Selector | undefined);
    if (!nsSel) return undefined; // same namespace as the policy: one of ours
    const named = nsSel.matchLabels?.['kubernetes.io/metadata.name'];
    const pinned = named !== undefined && Object.keys(nsSel.matchLabels ?? {}).length === 1 && !nsSel.matchExpressions;
    if (pinned && ourNamespaces.has(named)) return undefined;
    if (pinned) return `namespace ${named} pods ${pods}`;
    return `namespaces ${describeSelector(nsSel)} pods ${pods}`;
  };
  const peerSelects = (peer: Record<string, unknown>, policyNs: string, w: Workload): boolean => {
    if (peer.ipBlock) return false; // ipBlocks are meant for outside addresses; pod IPs are not modelled
    const nsSel = peer.namespaceSelector as Selector | undefined;
    const podSel = (peer.podSelector as Selector | undefined) ?? {};
    const nsOk = nsSel ? selectorMatches(nsSel, nsLabels(w.namespace)) : w.namespace === policyNs;
    return nsOk && selectorMatches(podSel, w.labels);
  };
  const selecting = (w: Workload, dir: 'ingress' | 'egress') =>
    policies.filter(
      (p) => p.namespace === w.namespace && p[dir] !== undefined && selectorMatches(p.podSelector, w.labels),
    );

  /** Ports `w` allows in `dir` to/from workload `other`; all when no policy isolates it. */
  const allowedWith = (w: Workload, dir: 'ingress' | 'egress', other: Workload): PortRange[] => {
    const ps = selecting(w, dir);
    if (ps.length === 0) return ALL_PORTS;
    const out: PortRange[] = [];
    for (const p of ps)
      for (const r of p[dir]!) {
        if (r.peers === undefined || r.peers.some((peer) => peerSelects(peer, p.namespace, other)))
          out.push(...r.ports);
      }
    return normalizePorts(out);
  };

  for (const a of workloads)
    for (const b of workloads) {
      if (a === b) continue;
      add(a.id, b.id, intersectPorts(allowedWith(a, 'egress', b), allowedWith(b, 'ingress', a)));
    }

  for (const w of workloads)
    for (const dir of ['ingress', 'egress'] as const) {
      const ps = selecting(w, dir);
      if (ps.length === 0) {
        if (dir === 'ingress') add(ANYWHERE, w.id, ALL_PORTS);
        else add(w.id, ANYWHERE, ALL_PORTS);
        continue;
      }
      for (const p of ps)
        for (const r of p[dir]!) {
          const keys = r.peers === undefined ? [ANYWHERE] : r.peers.map((peer) => outsideKey(peer));
          for (const key of keys) {
            if (key === undefined) continue;
            if (dir === 'ingress') add(key, w.id, r.ports);
            else add(w.id, key, r.ports);
          }
        }
    }
  return [...flows.values()].sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
}
