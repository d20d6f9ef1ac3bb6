// What grew between two V8 heap snapshots, by constructor (the "Comparison" view of DevTools, in
// short): objects and bytes added per kind of object, largest first. The soak prints it for a
// service whose heap grew past the limit, so a leak is named rather than only counted.

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Census = Map<string, { count: number; bytes: number }>;

/** Objects and shallow bytes per "type name" (e.g. "object Promise", "closure onMessage"). */
export function census(json: string): Census {
  const s = JSON.parse(json) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const typeNames = s.snapshot.meta.node_types[0];
  const out: Census = new Map();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = typeNames[s.nodes[i + typeAt] as number] ?? '?';
    // Strings and numbers are named by their value: pool them by type, or every string is a kind.
    const name = ['object', 'closure', 'native'].includes(type) ? s.strings[s.nodes[i + nameAt] as number] : '';
    const key = `${type} ${name ?? ''}`.trim();
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += s.nodes[i + sizeAt] as number;
    out.set(key, entry);
  }
  return out;
}

export interface Growth {
  what: string;
  addedObjects: number;
  addedBytes: number;
}

/** The `top` kinds of object that gained the most bytes from `before` to `after`. */
export function diffCensus(before: Census, after: Census, top = 10): Growth[] {
  const growth: Growth[] = [];
  for (const [what, a] of after) {
    const b = before.get(what) ?? { count: 0, bytes: 0 };
    if (a.bytes > b.bytes) growth.push({ what, addedObjects: a.count - b.count, addedBytes: a.bytes - b.bytes });
  }
  return growth.sort((x, y) => y.addedBytes - x.addedBytes).slice(0, top);
}
