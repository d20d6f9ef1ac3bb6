// Just enough SVG for the benchmark's line charts: a panel with axes, gridlines, ticks, lines and a
// legend. No chart library: the plot must render from the npm registry alone (resvg rasterizes it).

export interface Series {
  label: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
  /** Plotted against the right-hand axis. */
  right?: boolean;
  markers?: boolean;
}

export interface PanelSpec {
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  rightLabel?: string;
  xMax: number;
  yMax: number;
  rightMax?: number;
  series: Series[];
  /** Legend entries; default: one per series. */
  legend?: Array<{ label: string; color: string; dashed?: boolean }>;
  /** Shaded spans of x, e.g. the soak's warm-up and its measured minutes. */
  bands?: Array<{ from: number; to: number; label: string }>;
  note?: string;
}

const FONT = 'font-family="DejaVu Sans" fill="#222"';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p) as number;
}

/** Ticks at a round step (1, 2 or 5 times a power of ten), five or so up to `max`. */
function ticks(max: number): number[] {
  const step = niceMax(max / 6);
  return Array.from({ length: Math.floor(max / step + 1e-9) + 1 }, (_, i) => i * step);
}
const label = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function text(x: number, y: number, s: string, size = 13, anchor = 'start', extra = ''): string {
  return `<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}" ${FONT} ${extra}>${esc(s)}</text>`;
}

export function panel(p: PanelSpec): string {
  const left = p.x + 70;
  const right = p.x + p.width - (p.rightLabel ? 70 : 20);
  const top = p.y + 60;
  const bottom = p.y + p.height - 145;
  const sx = (v: number) => left + (v / p.xMax) * (right - left);
  const sy = (v: number, max: number) => bottom - (v / max) * (bottom - top);
  const out: string[] = [text(p.x + p.width / 2, p.y + 22, p.title, 16, 'middle', 'font-weight="bold"')];
  if (p.subtitle) out.push(text(p.x + p.width / 2, p.y + 42, p.subtitle, 12, 'middle'));
  for (const b of p.bands ?? []) {
    out.push(
      `<rect x="${sx(b.from)}" y="${top}" width="${sx(b.to) - sx(b.from)}" height="${bottom - top}" fill="#eef3fb"/>`,
      text((sx(b.from) + sx(b.to)) / 2, top + 14, b.label, 11, 'middle'),
    );
  }
  for (const v of ticks(p.yMax)) {
    out.push(`<line x1="${left}" x2="${right}" y1="${sy(v, p.yMax)}" y2="${sy(v, p.yMax)}" stroke="#ddd"/>`);
    out.push(text(left - 6, sy(v, p.yMax) + 4, label(v), 11, 'end'));
  }
  if (p.rightMax)
    for (const v of ticks(p.rightMax)) out.push(text(right + 6, sy(v, p.rightMax) + 4, label(v), 11, 'start'));
  for (const v of ticks(p.xMax)) out.push(text(sx(v), bottom + 16, label(v), 11, 'middle'));
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#888"/>`,
    text((left + right) / 2, bottom + 36, p.xLabel, 13, 'middle'),
    text(
      p.x + 16,
      (top + bottom) / 2,
      p.yLabel,
      13,
      'middle',
      `transform="rotate(-90 ${p.x + 16} ${(top + bottom) / 2})"`,
    ),
  );
  if (p.rightLabel) {
    const rx = p.x + p.width - 12;
    out.push(
      text(rx, (top + bottom) / 2, p.rightLabel, 13, 'middle', `transform="rotate(90 ${rx} ${(top + bottom) / 2})"`),
    );
  }
  for (const s of p.series) {
    const max = s.right ? (p.rightMax ?? 1) : p.yMax;
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const path = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y, max).toFixed(1)}`).join(' ');
    out.push(
      `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    if (s.markers)
      for (const [x, y] of pts) out.push(`<circle cx="${sx(x)}" cy="${sy(y, max)}" r="4" fill="${s.color}"/>`);
  }
  // Legend under the axis label, in as many columns as its longest label allows.
  const legend = p.legend ?? p.series;
  const longest = Math.max(...legend.map((s) => s.label.length));
  const columns = Math.max(1, Math.floor((right - left) / (40 + 7 * longest)));
  legend.forEach((s, i) => {
    const lx = left + (i % columns) * ((right - left) / columns);
    const ly = bottom + 58 + Math.floor(i / columns) * 18;
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      text(lx + 30, ly, s.label, 11),
    );
  });
  if (p.note) out.push(text(p.x + p.width / 2, p.y + p.height - 8, p.note, 11, 'middle'));
  return out.join('\n');
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="${width}" height="${height}" fill="white"/>
${body}
</svg>`;
}
