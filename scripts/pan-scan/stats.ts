// What the scan read, per source, so that "no card data found" can be told apart from "nothing read".
import type { SourceKind } from './needles';

const UNITS: Record<SourceKind, string> = {
  kafka: 'records',
  table: 'rows',
  log: 'files',
  trace: 'files',
  heap: 'snapshots',
  memory: 'memory dumps',
};

export class ScanStats {
  readonly counts = new Map<SourceKind, { items: number; bytes: number }>();

  add(source: SourceKind, items: number, bytes: number): void {
    const c = this.counts.get(source) ?? { items: 0, bytes: 0 };
    c.items += items;
    c.bytes += bytes;
    this.counts.set(source, c);
  }

  /** One line per source that was scanned, e.g. "kafka: 1234 records, 2.1 MB". */
  lines(): string[] {
    return [...this.counts].map(([s, c]) => `${s}: ${c.items} ${UNITS[s]}, ${formatBytes(c.bytes)}`);
  }

  totalBytes(): number {
    return [...this.counts.values()].reduce((sum, c) => sum + c.bytes, 0);
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
