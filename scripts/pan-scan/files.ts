// Files read in chunks, never whole (a heap snapshot or memory dump is hundreds of megabytes): log
// files, exported traces (JSON lines), V8 heap snapshots (JSON, every string the heap held in its
// strings table) and raw memory dumps (ASCII and UTF-16 text alike).
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { HitList, Matcher, SourceKind } from './needles';
import type { ScanStats } from './stats';

const CHUNK = 8 * 1024 * 1024;

/** Every file under `dir` (recursively), optionally only those modified since a time. */
export function filesUnder(dir: string, since?: Date, accept: (name: string) => boolean = () => true): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return []; // removed while we looked
    if (st.isDirectory()) return filesUnder(p, since, accept);
    return st.isFile() && accept(e) && (!since || st.mtime >= since) ? [p] : [];
  });
}

/**
 * Calls `scan(text, from, limit)` for consecutive pieces of a file decoded with `encoding`; each
 * piece starts with the last `overlap` characters of the previous one, and matches count only from
 * `from` to `limit`, so a match is never cut at a chunk's end nor counted twice, and the character
 * before `from` is there for a match to check it is not preceded by a digit. Returns the bytes read.
 */
function eachPiece(
  path: string,
  encoding: 'utf8' | 'latin1' | 'utf16le',
  skipBytes: number,
  overlap: number,
  scan: (text: string, from: number, limit: number) => void,
): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(CHUNK);
  const decoder = new StringDecoder(encoding);
  let carry = '';
  let from = 0;
  let total = 0;
  try {
    let position = skipBytes;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, position);
      position += read;
      total += read;
      const text = carry + (read > 0 ? decoder.write(buffer.subarray(0, read)) : decoder.end());
      const last = read === 0;
      const limit = last ? text.length : Math.max(0, text.length - overlap);
      scan(text, from, limit);
      if (last) break;
      if (limit === 0) {
        carry = text; // less than the overlap so far: nothing was scanned yet
        continue;
      }
      carry = text.slice(limit - 1);
      from = 1;
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

/** A text file (log, traces, heap snapshot): one location, its path. */
export function scanTextFile(
  path: string,
  source: SourceKind,
  matcher: Matcher,
  hits: HitList,
  stats: ScanStats,
): void {
  const bytes = eachPiece(path, 'utf8', 0, matcher.maxMatchLength, (text, from, limit) =>
    hits.add(source, path, matcher.find(text, from, limit)),
  );
  stats.add(source, 1, bytes);
}

/**
 * A raw memory dump: V8 keeps one-byte strings as Latin-1 and others as UTF-16, Buffers hold bytes,
 * so the dump is read once as Latin-1 and twice as UTF-16 (both byte alignments).
 */
export function scanMemoryDump(path: string, matcher: Matcher, hits: HitList, stats: ScanStats): void {
  const find = (text: string, from: number, limit: number) => hits.add('memory', path, matcher.find(text, from, limit));
  const bytes = eachPiece(path, 'latin1', 0, matcher.maxMatchLength, find);
  eachPiece(path, 'utf16le', 0, matcher.maxMatchLength, find);
  eachPiece(path, 'utf16le', 1, matcher.maxMatchLength, find);
  stats.add('memory', 1, bytes);
}
