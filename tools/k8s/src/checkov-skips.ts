// checkov findings this project accepts, each with its reason. A skip names the check and, where it
// applies only to some manifests or resources, which ones; every other failed check fails the build.
export interface CheckovSkip {
  check: string;
  /** Regular expression over the scanned file name (e.g. the values file's render); all when absent. */
  file?: RegExp;
  /** Regular expression over checkov's resource id (Kind.namespace.name); all when absent. */
  resource?: RegExp;
  reason: string;
}

export const checkovSkips: CheckovSkip[] = [
  {
    check: 'CKV_K8S_35',
    reason:
      'Secrets as environment variables: the services read configuration from the environment (@ivr/config, fail-fast typed), and the vault may have no volume at all, so its TLS material must come this way. The Secrets are referenced, never copied into the manifests.',
  },
  {
    check: 'CKV_K8S_43',
    file: /^(default|development|gmo-pg)\.yaml$/,
    reason:
      'Image digests: only known once CI has pushed the images; the default and development values use the release tag (values-gmo-pg.yaml is rendered on the defaults). The production values pin every image by digest and are scanned without this skip.',
  },
  {
    check: 'CKV_K8S_8',
    resource: /^Pod\.[^.]+\.[^.]+-readiness-test$/,
    reason: 'Liveness probe on the helm test pod: it runs once and exits; its exit code is the result.',
  },
  {
    check: 'CKV_K8S_9',
    resource: /^Pod\.[^.]+\.[^.]+-readiness-test$/,
    reason: 'Readiness probe on the helm test pod: nothing routes to it; it runs once and exits.',
  },
];
