// What the workspaces of this repository depend on and import, for the tests that keep the layout's
// rules (test/dependency-rules.unit.test.ts, the vault's dependencies test): production dependency
// closures as npm resolves them, and every import specifier of every source file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './root';

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface Workspace {
  /** `@ivr/order-link` */
  name: string;
  /** `packages`, `services` or `tools` */
  kind: string;
  /** Absolute folder. */
  dir: string;
  manifest: Manifest;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every npm workspace of the repository (packages/*, services/*, tools/*). */
export function workspaces(): Workspace[] {
  return ['packages', 'services', 'tools'].flatMap((kind) =>
    readdirSync(path.join(ROOT, kind), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(ROOT, kind, e.name, 'package.json')))
      .map((e) => {
        const dir = path.join(ROOT, kind, e.name);
        const manifest = readManifest(dir);
        return { name: manifest.name, kind, dir, manifest };
      }),
  );
}

function manifestOf(name: string, from: string): { manifest: Manifest; dir: string } | undefined {
  // Node's resolution: node_modules folders from the requiring package up to the root.
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate))
      return { manifest: JSON.parse(readFileSync(candidate, 'utf8')), dir: path.dirname(candidate) };
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * Every package reachable from the package in `dir` through production dependencies (not
 * devDependencies: those never reach an image), with the path that reaches it.
 */
export function dependencyClosure(dir: string): Map<string, string[]> {
  const start = readManifest(dir);
  const seen = new Map<string, string[]>();
  const queue: { manifest: Manifest; dir: string; trail: string[] }[] = [{ manifest: start, dir, trail: [start.name] }];
  while (queue.length) {
    const { manifest, dir: from, trail } = queue.shift() as (typeof queue)[number];
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
    for (const name of Object.keys(deps)) {
      if (seen.has(name)) continue;
      seen.set(name, [...trail, name]);
      const found = manifestOf(name, from);
      if (found) queue.push({ ...found, trail: [...trail, name] });
    }
  }
  return seen;
}

export interface SourceImport {
  /** Relative to the repository root. */
  file: string;
  line: number;
  specifier: string;
  /** The absolute path a relative specifier points at (no extension resolution); undefined for packages. */
  target?: string;
}

/** Folders never scanned: installed, generated or built output. */
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.var', 'gen', 'coverage', 'results', 'test-artifacts']);
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory())
      return SKIPPED.has(e.name) || e.name.startsWith('.') ? [] : sourceFiles(path.join(dir, e.name));
    return SOURCE.test(e.name) ? [path.join(dir, e.name)] : [];
  });
}

/** Every import, export-from, dynamic import and require of every source file of the repository. */
export function sourceImports(root = ROOT): SourceImport[] {
  return sourceFiles(root).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    return importedFiles.map(({ fileName, pos }) => ({
      file: path.relative(root, file),
      line: text.slice(0, pos).split('\n').length,
      specifier: fileName,
      ...(fileName.startsWith('.') ? { target: path.resolve(path.dirname(file), fileName) } : {}),
    }));
  });
}
