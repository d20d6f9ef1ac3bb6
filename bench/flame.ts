/**
 * A V8 CPU profile (`node --cpu-prof`) as a flame graph SVG, and the functions that spent the most
 * CPU themselves, printed. Offline, no dependency: the committed profiles under docs/perf/ are drawn
 * with it.
 *   tsx bench/flame.ts <file.cpuprofile> <out.svg> [title]
 * Idle time is left out: widths are shares of the samples in which this process was running.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { text } from './plot/svg';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Frame {
  name: string;
  kind: 'app' | 'dependency' | 'node' | 'vm';
  self: number;
  total: number;
  children: Frame[];
}

const WIDTH = 1600;
const ROW = 17;
/** Deeper frames (module loading at start-up goes a hundred deep) are drawn into their ancestor at this depth. */
const MAX_DEPTH = 48;

function kindOf(url: string, name: string): Frame['kind'] {
  if (url.includes('node_modules')) return 'dependency';
  if (url.startsWith('node:') || (url === '' && !name.startsWith('('))) return 'node';
  if (url === '') return 'vm';
  return 'app';
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? ` ${basename(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  return `${functionName || '(anonymous)'}${where}${pkg ? ` [${pkg}]` : ''}`;
}

function tree(nodes: ProfileNode[]): Frame {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const build = (n: ProfileNode): Frame => {
    const children = (n.children ?? [])
      .map((id) => byId.get(id))
      .filter((c): c is ProfileNode => c !== undefined && c.callFrame.functionName !== '(idle)')
      .map(build)
      .filter((c) => c.total > 0)
      .sort((a, b) => a.name.localeCompare(b.name));
    const self = n.hitCount ?? 0;
    return {
      name: label(n),
      kind: kindOf(n.callFrame.url, n.callFrame.functionName),
      self,
      total: self + children.reduce((s, c) => s + c.total, 0),
      children,
    };
  };
  return build(nodes[0] as ProfileNode);
}

const COLORS: Record<Frame['kind'], string> = { app: '#e8a33d', dependency: '#6fa8dc', node: '#b4b4b4', vm: '#d47f7f' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function svg(root: Frame, title: string): string {
  let depth = 0;
  const measure = (f: Frame, d: number): void => {
    depth = Math.min(MAX_DEPTH, Math.max(depth, d));
    for (const c of f.children) measure(c, d + 1);
  };
  measure(root, 0);
  const height = (depth + 1) * ROW + 70;
  const scale = WIDTH / root.total;
  const rects: string[] = [];
  const draw = (f: Frame, x: number, d: number): void => {
    const w = f.total * scale;
    if (w < 0.3 || d > MAX_DEPTH) return;
    const y = height - 30 - (d + 1) * ROW;
    const share = ((100 * f.total) / root.total).toFixed(1);
    const chars = Math.floor((w - 6) / 6.5);
    const shown = chars > 3 ? (f.name.length > chars ? `${f.name.slice(0, chars - 1)}…` : f.name) : '';
    rects.push(
      `<g><title>${esc(f.name)}: ${share} % (${f.total} samples, ${f.self} self)</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 1}" fill="${COLORS[f.kind]}" rx="2"/>` +
        (shown ? text(x + 3, y + ROW - 5, shown, 11) : '') +
        '</g>',
    );
    let cx = x;
    for (const c of f.children) {
      draw(c, cx, d + 1);
      cx += c.total * scale;
    }
  };
  draw(root, 0, 0);
  const legend = (Object.entries(COLORS) as Array<[Frame['kind'], string]>)
    .map(
      ([k, c], i) =>
        `<rect x="${WIDTH - 420 + i * 105}" y="12" width="12" height="12" fill="${c}"/>${text(WIDTH - 404 + i * 105, 23, k, 12)}`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<rect width="100%" height="100%" fill="#fff"/>${text(8, 22, title, 15, 'start', 'font-weight="bold"')}${legend}
${text(8, height - 10, `${root.total} samples while running (idle left out); width = share of them; stacks cut at ${MAX_DEPTH} frames; hover for figures`, 12)}
${rects.join('\n')}
</svg>
`;
}

/** Self samples by function (all its call paths together), highest first. */
function topSelf(root: Frame, n: number): Array<{ name: string; self: number }> {
  const sums = new Map<string, number>();
  const walk = (f: Frame): void => {
    if (f.self > 0) sums.set(f.name, (sums.get(f.name) ?? 0) + f.self);
    for (const c of f.children) walk(c);
  };
  walk(root);
  return [...sums]
    .map(([name, self]) => ({ name, self }))
    .sort((a, b) => b.self - a.self)
    .slice(0, n);
}

function main(): void {
  const [input, output, title] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: tsx bench/flame.ts <file.cpuprofile> <out.svg> [title]');
  const profile = JSON.parse(readFileSync(input, 'utf8')) as { nodes: ProfileNode[] };
  const root = tree(profile.nodes);
  writeFileSync(output, svg(root, title ?? basename(input)));
  console.log(`${output}: ${root.total} samples while running; most self time:`);
  for (const { name, self } of topSelf(root, 25))
    console.log(`  ${((100 * self) / root.total).toFixed(1).padStart(5)} %  ${name}`);
}

main();
