// A flame graph as a standalone SVG (Brendan Gregg's layout: the process at the bottom, callees
// stacked above, width = share of the CPU samples), coloured by package, with a legend of the
// packages that used the most CPU themselves. Each box's tooltip names the frame and its share.
// No library: the same hand-written SVG as bench/plot/.
import { type Frame, type ProfileSummary, selfByPackage } from './profile';

const WIDTH = 1400;
const ROW = 17;
const PAD = 10;
const HEAD = 88;
const CHAR_PX = 6.4;
/** Frames narrower than this share of the samples are not drawn (their time stays in the parent's box). */
const MIN_SHARE = 0.0008;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 0xffffffff;
}

/** #rrggbb of a hue (degrees), saturation and lightness (0-1): resvg, which rasterizes the docs' plots, has no hsl(). */
function hsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** Warm for the service's own code and the workspace packages, cool for dependencies, grey for Node and V8. */
export function colorOf(pkg: string, own: string): string {
  const t = hash(pkg);
  if (pkg === 'GC') return hsl(280, 0.45, 0.68);
  if (pkg.startsWith('V8')) return hsl(0, 0, 0.72);
  if (pkg === 'node') return hsl(90 + t * 40, 0.3, 0.65);
  if (pkg === own || pkg === 'service') return hsl(8 + t * 14, 0.8, 0.62);
  if (pkg.startsWith('@ivr/')) return hsl(32 + t * 22, 0.85, 0.6);
  return hsl(185 + t * 60, 0.55, 0.66);
}

export interface FlameOptions {
  title: string;
  subtitle: string;
  /** The service's own package name (its code is drawn in red). */
  own: string;
}

export function flameGraphSvg(summary: ProfileSummary, o: FlameOptions): string {
  const { root } = summary;
  const total = Math.max(1, root.total);
  const usable = WIDTH - 2 * PAD;
  const boxes: string[] = [];
  let maxDepth = 0;
  const place = (f: Frame, x: number, depth: number) => {
    const w = (f.total / total) * usable;
    if (f.total / total < MIN_SHARE) return;
    maxDepth = Math.max(maxDepth, depth);
    boxes.push(box(f, x, depth, w, total, o.own));
    let cx = x;
    for (const c of [...f.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      place(c, cx, depth + 1);
      cx += (c.total / total) * usable;
    }
  };
  place(root, PAD, 0);
  const height = HEAD + (maxDepth + 1) * ROW + 2 * PAD;
  // Boxes are placed from the bottom: depth 0 at the last row.
  const yOf = (depth: number) => height - PAD - (depth + 1) * ROW;
  const drawn = boxes.map((b) => b.replace(/__Y(\d+)__/g, (_, d) => String(yOf(Number(d)))));
  const legend = selfByPackage(root)
    .slice(0, 10)
    .map((p, i) => {
      const x = PAD + (i % 5) * 270;
      const y = 52 + Math.floor(i / 5) * 16;
      const share = ((p.samples / total) * 100).toFixed(1);
      return (
        `<rect x="${x}" y="${y - 10}" width="11" height="11" fill="${colorOf(p.pkg, o.own)}"/>` +
        `<text x="${x + 16}" y="${y}" font-size="11">${esc(p.pkg)} ${share} % self</text>`
      );
    });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Verdana, sans-serif">`,
    `<title>${esc(o.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fdfdfb"/>`,
    `<text x="${PAD}" y="20" font-size="15" font-weight="bold">${esc(o.title)}</text>`,
    `<text x="${PAD}" y="36" font-size="11" fill="#444">${esc(o.subtitle)}</text>`,
    ...legend,
    ...drawn,
    '</svg>',
    '',
  ].join('\n');
}

function box(f: Frame, x: number, depth: number, w: number, total: number, own: string): string {
  const share = ((f.total / total) * 100).toFixed(2);
  const selfShare = ((f.self / total) * 100).toFixed(2);
  const label = f.name === 'all' ? `all busy samples (${f.total})` : f.name;
  const fits = Math.floor((w - 6) / CHAR_PX);
  const text =
    fits >= 3
      ? `<text x="${(x + 3).toFixed(1)}" y="__Y${depth}__" dy="12" font-size="11">${esc(
          label.length > fits ? `${label.slice(0, fits - 1)}…` : label,
        )}</text>`
      : '';
  return (
    `<g><title>${esc(`${label}\n${f.pkg}: ${share} % of samples, ${selfShare} % in itself`)}</title>` +
    `<rect x="${x.toFixed(1)}" y="__Y${depth}__" width="${Math.max(0.5, w - 0.5).toFixed(1)}" height="${ROW - 1}" rx="1.5" fill="${colorOf(f.pkg, own)}"/>` +
    `${text}</g>`
  );
}
