// A V8 CPU profile (.cpuprofile, from the inspector's Profiler.stop or node --cpu-prof) as a tree of
// frames named for people: each frame's function and where it comes from, a bundled service's frames
// traced back to their TypeScript through the bundle's source map (node:module's SourceMap), and the
// package it belongs to (the service's own code, a workspace package @ivr/*, a dependency, Node
// itself, V8's garbage collector). Idle samples are left out: what remains is where the main thread
// spent its CPU. Same-named frames under one parent are merged.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A merged frame: its name, package, samples in it and under it, children by name. */
export interface Frame {
  name: string;
  pkg: string;
  /** Samples in this frame and every frame it called. */
  total: number;
  /** Samples in this frame itself. */
  self: number;
  children: Map<string, Frame>;
}

export interface ProfileSummary {
  root: Frame;
  /** Samples that were not idle. */
  busySamples: number;
  idleSamples: number;
  /** Mean µs between samples. */
  intervalUs: number;
  seconds: number;
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    map = existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null;
    maps.set(file, map);
  }
  return map;
}

/** Where a frame's code lives, as a path from the repository's root when it is ours or a package's. */
function origin(frame: CallFrame): { path: string; line: number } {
  const { url, lineNumber, columnNumber } = frame;
  if (!url.startsWith('file://')) return { path: url, line: lineNumber + 1 };
  const file = fileURLToPath(url);
  // Our bundles (services/<name>/dist/main.js) go back to their TypeScript; dependencies keep their own path.
  const map = file.endsWith('.js') && !file.includes('/node_modules/') ? sourceMapOf(file) : null;
  const entry = map?.findEntry(lineNumber, columnNumber);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    // "../../../packages/eventstore/src/event-store.ts", relative to the bundle's folder, or a file URL.
    const source = entry.originalSource.replace(/^file:\/\//, '');
    return { path: source, line: entry.originalLine + 1 };
  }
  return { path: file, line: lineNumber + 1 };
}

/** The package a source path belongs to. */
export function packageOf(path: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8 (program)';
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '?');
  }
  const ws = /(?:^|\/)packages\/([^/]+)\//.exec(path);
  if (ws) return `@ivr/${ws[1]}`;
  const svc = /(?:^|\/)(?:services|tools)\/([^/]+)\//.exec(path);
  if (svc) return svc[1] as string;
  if (/^\.\.\/src\//.test(path)) return 'service';
  if (path.startsWith('node:')) return 'node';
  if (path === '') return 'V8 (native)';
  return 'other';
}

/** A short location: the path from the package's folder on ("pg/lib/client.js:123", "eventstore/src/x.ts:9"). */
function shortPath(path: string): string {
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const ours = /(?:^|\/)((?:packages|services|tools)\/.*)$/.exec(path);
  if (ours) return ours[1] as string;
  return path.replace(/^(\.\.\/)+/, '');
}

function frameName(frame: CallFrame): { name: string; pkg: string } {
  const fn = frame.functionName || '(anonymous)';
  if (fn.startsWith('(') && frame.url === '') return { name: fn, pkg: packageOf('', fn) };
  const { path, line } = origin(frame);
  return { name: `${fn} ${shortPath(path)}:${line}`, pkg: packageOf(path, fn) };
}

/** Reads a profile into a merged frame tree (idle left out). */
export function summarize(profile: CpuProfile, own = 'service'): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const names = new Map<number, { name: string; pkg: string }>();
  const nameOf = (n: ProfileNode) => {
    let v = names.get(n.id);
    if (!v) {
      v = frameName(n.callFrame);
      if (v.pkg === 'service') v.pkg = own;
      names.set(n.id, v);
    }
    return v;
  };
  const root: Frame = { name: 'all', pkg: 'root', total: 0, self: 0, children: new Map() };
  let idle = 0;
  const walk = (node: ProfileNode, into: Frame) => {
    for (const childId of node.children ?? []) {
      const child = byId.get(childId);
      if (!child) continue;
      if (child.callFrame.functionName === '(idle)') {
        idle += hits.get(child.id) ?? 0;
        continue;
      }
      const { name, pkg } = nameOf(child);
      let frame = into.children.get(name);
      if (!frame) {
        frame = { name, pkg, total: 0, self: 0, children: new Map() };
        into.children.set(name, frame);
      }
      frame.self += hits.get(child.id) ?? 0;
      walk(child, frame);
    }
  };
  const top = profile.nodes[0];
  if (top) walk(top, root);
  const total = (f: Frame): number => {
    f.total = f.self;
    for (const c of f.children.values()) f.total += total(c);
    return f.total;
  };
  total(root);
  const samples = profile.samples?.length ?? 0;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  return {
    root,
    busySamples: root.total,
    idleSamples: idle,
    intervalUs: samples ? (profile.endTime - profile.startTime) / samples : 0,
    seconds,
  };
}

/** Self samples by package, largest first. */
export function selfByPackage(root: Frame): Array<{ pkg: string; samples: number }> {
  const by = new Map<string, number>();
  const visit = (f: Frame) => {
    if (f.self) by.set(f.pkg, (by.get(f.pkg) ?? 0) + f.self);
    for (const c of f.children.values()) visit(c);
  };
  visit(root);
  return [...by].map(([pkg, samples]) => ({ pkg, samples })).sort((a, b) => b.samples - a.samples);
}

/** Self samples by function (merged wherever it was called from), largest first. */
export function selfByFunction(root: Frame): Array<{ name: string; pkg: string; samples: number }> {
  const by = new Map<string, { pkg: string; samples: number }>();
  const visit = (f: Frame) => {
    if (f.self) {
      const e = by.get(f.name) ?? { pkg: f.pkg, samples: 0 };
      e.samples += f.self;
      by.set(f.name, e);
    }
    for (const c of f.children.values()) visit(c);
  };
  visit(root);
  return [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.samples - a.samples);
}

/** Samples under frames whose name matches `pattern` (outermost match only: nothing counted twice). */
export function samplesUnder(root: Frame, pattern: RegExp): number {
  let n = 0;
  const visit = (f: Frame) => {
    if (pattern.test(f.name)) {
      n += f.total;
      return;
    }
    for (const c of f.children.values()) visit(c);
  };
  for (const c of root.children.values()) visit(c);
  return n;
}

/** Brendan Gregg's folded stacks ("a;b;c 12" per line), for other flame graph tools. */
export function foldedStacks(root: Frame): string {
  const lines: string[] = [];
  const visit = (f: Frame, stack: string[]) => {
    const here = [...stack, f.name.replace(/;/g, ',')];
    if (f.self) lines.push(`${here.join(';')} ${f.self}`);
    for (const c of f.children.values()) visit(c, here);
  };
  for (const c of root.children.values()) visit(c, []);
  return `${lines.join('\n')}\n`;
}
