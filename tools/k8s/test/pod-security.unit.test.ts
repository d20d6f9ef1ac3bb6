import type { K8sObject } from '../src/manifests';
import { restrictedViolations } from '../src/pod-security';

const pod = (spec: Record<string, unknown>): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'n' },
  spec,
});
const hardened = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('Pod Security "restricted"', () => {
  it('accepts a hardened pod with a secret volume', () => {
    expect(
      restrictedViolations([
        pod({
          containers: [{ name: 'c', securityContext: hardened }],
          volumes: [{ name: 'v', secret: { secretName: 's' } }],
        }),
      ]),
    ).toEqual([]);
  });

  it('names each violation', () => {
    const bad = pod({
      hostNetwork: true,
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      containers: [
        {
          name: 'c',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: { capabilities: { add: ['NET_ADMIN'] } },
        },
      ],
    });
    expect(restrictedViolations([bad])).toEqual([
      'Pod n/p: host namespaces',
      'Pod n/p: volume type hostPath',
      'Pod n/p: c: allowPrivilegeEscalation must be false',
      'Pod n/p: c: runAsNonRoot',
      'Pod n/p: c: seccompProfile',
      'Pod n/p: c: capabilities must drop ALL',
      'Pod n/p: c: adds capability NET_ADMIN',
      'Pod n/p: c: hostPort',
    ]);
  });
});
