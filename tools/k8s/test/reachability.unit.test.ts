import type { K8sObject } from '../src/manifests';
import { computeFlows, formatPorts, intersectPorts, parsePorts, type Workload } from '../src/reachability';

const policy = (namespace: string, name: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const denyAll = (ns: string) => policy(ns, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const app: Workload = { id: 'app', namespace: 'a', labels: { name: 'app' } };
const vault: Workload = { id: 'vault', namespace: 'v', labels: { name: 'vault' } };
const other: Workload = { id: 'other', namespace: 'a', labels: { name: 'other' } };
const flows = (objects: K8sObject[], ws = [app, vault, other]) =>
  computeFlows(objects, ws, {}).map((f) => `${f.from} -> ${f.to}: ${formatPorts(f.ports)}`);

describe('reachability from NetworkPolicies', () => {
  it('reports every pod open both ways when no policy selects it', () => {
    expect(flows([], [app])).toEqual(['anywhere -> app: all', 'app -> anywhere: all']);
  });

  it('allows nothing under default-deny', () => {
    expect(flows([denyAll('a'), denyAll('v')])).toEqual([]);
  });

  it('needs both the egress of the sender and the ingress of the receiver, on the common ports', () => {
    const egress = policy('a', 'app-out', {
      podSelector: { matchLabels: { name: 'app' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'v' } },
              podSelector: { matchLabels: { name: 'vault' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 50000, endPort: 50100 }],
        },
      ],
    });
    const ingress = policy('v', 'vault-in', {
      podSelector: { matchLabels: { name: 'vault' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } },
              podSelector: { matchLabels: { name: 'app' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 50053 }],
        },
      ],
    });
    expect(flows([denyAll('a'), denyAll('v'), egress])).toEqual([]);
    expect(flows([denyAll('a'), denyAll('v'), ingress])).toEqual([]);
    expect(flows([denyAll('a'), denyAll('v'), egress, ingress])).toEqual(['app -> vault: TCP 50053']);
  });

  it('does not let a pod selector alone reach into another namespace', () => {
    const egress = policy('a', 'out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    const ingress = policy('v', 'in', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {} }] }],
    });
    // app may send to any pod of its own namespace, the vault admits any namespace: still no app -> vault.
    expect(flows([denyAll('a'), denyAll('v'), egress, ingress])).toEqual(['namespaces * pods * -> vault: all']);
  });

  it('reports CIDR peers as written, with their exceptions', () => {
    const egress = policy('v', 'psp', {
      podSelector: { matchLabels: { name: 'vault' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }],
    });
    expect(flows([denyAll('a'), denyAll('v'), egress])).toEqual(['vault -> cidr 0.0.0.0/0 except 10.0.0.0/8: TCP 443']);
  });

  it('refuses named ports, which hide the real port from the reader', () => {
    expect(() => parsePorts([{ port: 'grpc' }], 'here')).toThrow(/named port grpc/);
  });

  it('intersects port ranges per protocol', () => {
    const a = parsePorts(
      [
        { protocol: 'UDP', port: 40000, endPort: 40999 },
        { protocol: 'TCP', port: 80 },
      ],
      'a',
    );
    const b = parsePorts([{ protocol: 'UDP', port: 40500, endPort: 41000 }], 'b');
    expect(formatPorts(intersectPorts(a, b))).toBe('UDP 40500-40999');
  });
});
