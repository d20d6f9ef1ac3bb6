// The chart's values as Helm merges them (maps merge, lists and scalars replace), typed for the parts
// the checks read.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface PortRangeValue {
  from: number;
  to: number;
}
export interface ChartValues {
  namespaces: { vault: string };
  network: {
    dns: { namespace: string; podLabels: Record<string, string> };
    ingressControllerNamespace: string;
    monitoringNamespace: string;
    sbcCidrs: string[];
    sbcSipPorts: number[];
    sbcRtpPorts: PortRangeValue;
    pspCidrs: string[];
    pspPort: number;
    webhookCidrs: { cidr: string; except?: string[] }[];
    otlp: { namespace: string; podLabels: Record<string, string>; port: number };
  };
  kafka: { namespace: string; podLabels: Record<string, string>; port: number };
  postgres: { namespace: string; podLabels: Record<string, string>; port: number };
  migrations: { enabled: boolean };
  tests: { enabled: boolean };
  services: {
    orderLink: { enabled: boolean; ports: { http: number; grpc: number; admin: number } };
    callControl: { enabled: boolean; ports: { sip: number; admin: number } };
    dtmfVault: { enabled: boolean; ports: { grpc: number; admin: number }; rtpPorts: PortRangeValue };
    authorization: { enabled: boolean; ports: { grpc: number; admin: number } };
    notification: { enabled: boolean; ports: { http: number; admin: number } };
  };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = mergeValues(base[k], v);
  return out;
}

/** values.yaml merged with an optional values file. */
export function loadValues(chartDir: string, valuesFile?: string): ChartValues {
  const base: unknown = parse(readFileSync(`${chartDir}/values.yaml`, 'utf8'));
  const extra: unknown = valuesFile ? parse(readFileSync(valuesFile, 'utf8')) : {};
  return mergeValues(base, extra) as ChartValues;
}
