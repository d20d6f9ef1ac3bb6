// The environment contract between the chart and the services: every variable a service requires
// (no default) is set by its Deployment, and every variable the Deployment sets is one the service
// reads. The services' side comes from their own config specs (the objects given to readConfig, which
// each service exports as @ivr/<service>/config), never from a list kept here; the same for the migration Jobs and `main.js migrate`.

import * as authorization from '@ivr/authorization/config';
import * as callControl from '@ivr/call-control/config';
import { type ConfigSpec, configVariables } from '@ivr/config';
import * as dtmfVault from '@ivr/dtmf-vault/config';
import * as notification from '@ivr/notification/config';
import * as orderLink from '@ivr/order-link/config';
import { consoleConfigSpec } from '@ivr/order-link/console-config';
import { asArray, asRecord, get, isWorkload, type K8sObject } from './manifests';

/**
 * Variables read by shared code rather than a service's config spec; the chart may set them anywhere.
 * Keep this short: a service setting belongs in the service's spec.
 */
export const SHARED_VARIABLES: Record<string, string> = {
  NODE_ENV: 'Node and libraries (production behaviour)',
  LOG_LEVEL: '@ivr/logging createLogger',
  OTEL_SERVICE_NAME: 'the OpenTelemetry SDK (resource service name)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'the OpenTelemetry SDK (trace export), started by @ivr/telemetry',
  OTEL_RESOURCE_ATTRIBUTES: 'the OpenTelemetry SDK (resource attributes, e.g. deployment.environment.name)',
};

export interface ServiceContract {
  /** Deployment name (the service's name). */
  service: string;
  /** The specs the service reads at start-up. */
  reads: ConfigSpec[];
  /** What `main.js migrate` reads; set for services with a migration Job. */
  migrateReads?: ConfigSpec;
}

export const contracts: ServiceContract[] = [
  {
    service: 'order-link',
    reads: [orderLink.configSpec(), consoleConfigSpec()],
    migrateReads: orderLink.migrateConfigSpec(),
  },
  { service: 'notification', reads: [notification.configSpec()], migrateReads: notification.migrateConfigSpec() },
  { service: 'authorization', reads: [authorization.configSpec()], migrateReads: authorization.migrateConfigSpec() },
  { service: 'dtmf-vault', reads: [dtmfVault.configSpec()] },
  { service: 'call-control', reads: [callControl.configSpec()], migrateReads: callControl.migrateConfigSpec() },
];

function envNames(object: K8sObject): string[] {
  const containers = asArray(get(object, 'spec', 'template', 'spec', 'containers')).map(asRecord);
  return containers.flatMap((c) => asArray(c.env).map((e) => String(asRecord(e).name)));
}

function compare(what: string, set: string[], specs: ConfigSpec[]): string[] {
  const variables = specs.flatMap((s) => configVariables(s));
  const read = new Set(variables.map((v) => v.variable));
  const problems: string[] = [];
  for (const v of variables)
    if (v.required && !set.includes(v.variable)) problems.push(`${what} does not set ${v.variable}, which is required`);
  for (const name of new Set(set))
    if (!read.has(name) && !(name in SHARED_VARIABLES)) problems.push(`${what} sets ${name}, which nothing reads`);
  const duplicates = set.filter((name, i) => set.indexOf(name) !== i);
  for (const name of new Set(duplicates)) problems.push(`${what} sets ${name} more than once`);
  return problems;
}

/** Mismatches between one rendering of the chart and the services' config specs, as readable lines. */
export function envContractProblems(rendered: K8sObject[], list: ServiceContract[] = contracts): string[] {
  const problems: string[] = [];
  for (const c of list) {
    // The vault is a StatefulSet (stable pod names), the others Deployments.
    const deployment = rendered.find((o) => isWorkload(o) && o.metadata.name === c.service);
    if (deployment) problems.push(...compare(`${deployment.kind} ${c.service}`, envNames(deployment), c.reads));
    const job = rendered.find((o) => o.kind === 'Job' && o.metadata.name === `${c.service}-migrate`);
    if (job && !c.migrateReads)
      problems.push(`Job ${c.service}-migrate exists but ${c.service} has no migrate command`);
    if (job && c.migrateReads) {
      problems.push(...compare(`Job ${c.service}-migrate`, envNames(job), [c.migrateReads]));
      const args = asArray(get(job, 'spec', 'template', 'spec', 'containers', 0, 'args')).map(String);
      if (args.join(' ') !== 'migrate')
        problems.push(`Job ${c.service}-migrate runs "${args.join(' ')}", not "migrate"`);
    }
  }
  return problems;
}
