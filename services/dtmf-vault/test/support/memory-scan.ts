// Looks for a byte pattern in a heap snapshot file and in the whole readable memory of a process
// (/proc/<pid>/mem), to prove that card numbers left no copy behind.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export function patternsOf(text: string): Buffer[] {
  return [Buffer.from(text, 'latin1'), Buffer.from(text, 'utf16le')];
}

export function fileContains(file: string, text: string): boolean {
  const content = readFileSync(file);
  return patternsOf(text).some((p) => content.includes(p));
}

/** Scans every readable private or anonymous mapping of a process; returns how many hits were found. */
export function processMemoryHits(pid: number, text: string): number {
  const patterns = patternsOf(text);
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  let hits = 0;
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  const overlap = 64;
  try {
    for (const line of maps) {
      const [range, perms, , , , file] = line.split(/\s+/);
      // Readable memory of the process itself; shared libraries' read-only code cannot hold input.
      if (!range || !perms?.startsWith('r') || (file?.startsWith('/') && !perms.includes('w'))) continue;
      const [start, end] = range.split('-').map((h) => BigInt(`0x${h}`)) as [bigint, bigint];
      if (end - start > 2n ** 31n) continue; // address-space reservations, not memory in use
      for (let at = start; at < end; at += BigInt(chunk.length - overlap)) {
        const length = Number(end - at < BigInt(chunk.length) ? end - at : BigInt(chunk.length));
        let read = 0;
        try {
          read = readSync(fd, chunk, 0, length, at);
        } catch {
          break; // unreadable page (guard or vvar): skip the rest of this mapping
        }
        const view = chunk.subarray(0, read);
        for (const p of patterns) for (let i = view.indexOf(p); i !== -1; i = view.indexOf(p, i + 1)) hits++;
        if (read < length) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return hits;
}
