// Reading rendered manifests (helm template output, k8s/*.yaml) into plain objects.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

export type Labels = Record<string, string>;

/** The fields of a Kubernetes object these checks read; everything else stays untyped. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Every object of a multi-document YAML text; empty documents are dropped, a broken one throws with its place. */
export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !('kind' in value) || !('metadata' in value)) {
      throw new Error(`${source}: a document without kind/metadata`);
    }
    objects.push(value as K8sObject);
  }
  return objects;
}

/** A service's workload: a Deployment, or the vault's StatefulSet (stable pod names, one per media-session holder). */
export function isWorkload(o: K8sObject): boolean {
  return o.kind === 'Deployment' || o.kind === 'StatefulSet';
}

export function readManifests(path: string): K8sObject[] {
  return parseManifests(readFileSync(path, 'utf8'), path);
}

/** A plain path lookup for untyped manifest fields: get(obj, 'spec', 'template', 'spec'). */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
