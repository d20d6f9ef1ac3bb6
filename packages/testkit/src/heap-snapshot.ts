/**
 * Heap snapshots and memory dumps of running services, for the card-data leak scan: what a process
 * holds in memory must be as free of card data as what it writes, except in dtmf-vault, which holds
 * the card by design and is never snapshotted (that is the boundary).
 *
 * Node writes the V8 heap snapshot itself when it gets SIGUSR2, if it was started with
 * `heapSnapshotFlags(dir)` (ServiceProcess and scripts/services.sh do so for every service but the
 * vault). A heap snapshot holds every JS string (here up to 1 MiB each) but not the bytes of
 * Buffers, where sockets' data lives; so the process's writable memory is dumped too, from
 * /proc/<pid>/mem (needs the right to ptrace the process: same user, or CAP_SYS_PTRACE).
 *
 * `ServiceProcess.heapSnapshot()` and `tsx scripts/heap-snapshot.ts [name...]` (services started by
 * scripts/services.sh) take them. Files: .var/heap/<name>-<time>.heapsnapshot and
 * .var/heap/<name>-<time>.memdump, read by `make pan-scan`.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root';

export const SNAPSHOT_SIGNAL = 'SIGUSR2';
/** The one process whose memory holds card data by design. */
export const VAULT = 'dtmf-vault';
export const HEAP_DIR = join(ROOT, '.var', 'heap');
/**
 * When a snapshot is taken, older ones of the same service are removed (they are large: a memory
 * dump is 100-200 MB), but not those younger than this: a test run in another worktree sharing
 * .var may not have scanned them yet.
 */
const KEEP_YOUNGER_THAN_MS = 30 * 60_000;

/**
 * Node flags that make a process write a heap snapshot into `diagnosticDir` on SIGUSR2, with strings
 * up to 1 MiB whole (V8 cuts them at 1024 characters by default; a command-line flag only, not
 * allowed in NODE_OPTIONS).
 */
export function heapSnapshotFlags(diagnosticDir: string): string[] {
  return [
    `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`,
    `--diagnostic-dir=${diagnosticDir}`,
    '--heap-snapshot-string-limit=1048576',
  ];
}

/** Where a service's node writes its snapshot before it is complete and renamed. */
export const incomingDir = (name: string, heapDir = HEAP_DIR): string => join(heapDir, 'incoming', name);

export interface SnapshotOptions {
  pid: number;
  /** The service's name: file names, and the refusal to touch the vault. */
  name: string;
  /** The --diagnostic-dir the process was started with. */
  diagnosticDir: string;
  heapDir?: string;
  /** Also dump the process's writable memory (default true). */
  memory?: boolean;
  timeoutMs?: number;
}

export interface Snapshot {
  heapSnapshot: string;
  memoryDump?: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The default action of SIGUSR2 is to terminate: only signal a node that handles it. */
function assertSignalHandled(pid: number, name: string): void {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const environ = existsSync(`/proc/${pid}/environ`) ? readFileSync(`/proc/${pid}/environ`, 'utf8') : '';
  const flag = `--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`;
  if (!args.includes(flag) && !environ.includes(flag)) {
    throw new Error(`${name} (pid ${pid}) was not started with ${flag}; a ${SNAPSHOT_SIGNAL} would kill it`);
  }
}

/** Whether the process still has the file open: node writes the snapshot synchronously, then closes it. */
function stillWriting(pid: number, file: string): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // the process is gone
  }
  const real = realpathSync(file); // what /proc shows: .var may be a symlink
  return fds.some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === real;
    } catch {
      return false;
    }
  });
}

/** A complete snapshot is one JSON object whose last member is the strings array: it ends with "]}". */
function complete(file: string): boolean {
  const size = statSync(file).size;
  if (size < 2) return false;
  const fd = openSync(file, 'r');
  try {
    const tail = Buffer.alloc(2);
    readSync(fd, tail, 0, 2, size - 2);
    return tail.toString('latin1') === ']}';
  } finally {
    closeSync(fd);
  }
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** Takes a heap snapshot (and memory dump) of a running service and waits until the files are complete. */
export async function takeSnapshot(opts: SnapshotOptions): Promise<Snapshot> {
  if (opts.name === VAULT) throw new Error(`never snapshot ${VAULT}: it holds card data in memory by design`);
  const heapDir = opts.heapDir ?? HEAP_DIR;
  mkdirSync(heapDir, { recursive: true });
  mkdirSync(opts.diagnosticDir, { recursive: true });
  assertSignalHandled(opts.pid, opts.name);
  const before = new Set(readdirSync(opts.diagnosticDir));
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  process.kill(opts.pid, SNAPSHOT_SIGNAL);
  let written: string | undefined;
  while (!written) {
    const fresh = readdirSync(opts.diagnosticDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    const path = fresh && join(opts.diagnosticDir, fresh);
    // Not yet open (created, fd not yet installed) reads like closed: complete() tells them apart.
    if (path && !stillWriting(opts.pid, path) && complete(path)) {
      written = path;
      break;
    }
    if (!alive(opts.pid))
      throw new Error(`${opts.name} (pid ${opts.pid}) exited before its heap snapshot was complete`);
    if (Date.now() > deadline) throw new Error(`${opts.name}: no complete heap snapshot in ${opts.diagnosticDir}`);
    await pause(100);
  }
  const base = join(heapDir, `${opts.name}-${stamp()}`);
  renameSync(written, `${base}.heapsnapshot`);
  const result: Snapshot = { heapSnapshot: `${base}.heapsnapshot` };
  if (opts.memory ?? true) result.memoryDump = dumpMemory(opts.pid, `${base}.memdump`);
  prune(heapDir, opts.name);
  return result;
}

/**
 * Writes the process's own memory (anonymous and writable mappings: the V8 heap, malloc arenas,
 * Buffers, stacks) to a file, leaving out all-zero pages; a newline stands for each gap, so that
 * no match joins bytes that were not next to each other.
 */
export function dumpMemory(pid: number, file: string): string {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
  const page = 4096;
  const chunk = Buffer.alloc(256 * page);
  const gap = Buffer.from('\n');
  const zeroPage = Buffer.alloc(page);
  let mem: number;
  try {
    mem = openSync(`/proc/${pid}/mem`, 'r');
  } catch (err) {
    throw new Error(`cannot read the memory of pid ${pid} (${(err as Error).message}); it needs ptrace rights`);
  }
  const out = openSync(file, 'w', 0o600);
  try {
    for (const line of maps) {
      const [range, perms, , , , path] = line.split(/\s+/);
      // Code and read-only data of files (node, shared libraries) cannot hold what the process received.
      if (!range || !perms?.startsWith('r') || (path?.startsWith('/') && !perms.includes('w'))) continue;
      if (path === '[vvar]' || path === '[vsyscall]') continue;
      const [start, end] = range.split('-').map((h) => Number.parseInt(h, 16)) as [number, number];
      if (end - start > 2 ** 31) continue; // address-space reservations, not memory in use
      let joined = false;
      for (let at = start; at < end; at += chunk.length) {
        let read = 0;
        try {
          read = readSync(mem, chunk, 0, Math.min(chunk.length, end - at), at);
        } catch {
          break; // unreadable (guard page): the rest of this mapping too
        }
        for (let p = 0; p < read; p += page) {
          const bytes = chunk.subarray(p, Math.min(p + page, read));
          if (bytes.length === page && bytes.equals(zeroPage)) {
            joined = false;
            continue;
          }
          if (!joined) writeSync(out, gap);
          writeSync(out, bytes);
          joined = true;
        }
        if (read < Math.min(chunk.length, end - at)) break;
      }
    }
  } finally {
    closeSync(out);
    closeSync(mem);
  }
  return file;
}

/** Removes a service's snapshots and dumps but the newest one and those younger than KEEP_YOUNGER_THAN_MS. */
function prune(heapDir: string, name: string): void {
  const pattern = new RegExp(`^${name}-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.(heapsnapshot|memdump)$`);
  const files = readdirSync(heapDir)
    .filter((f) => pattern.test(f))
    .map((f) => ({ path: join(heapDir, f), mtime: statSync(join(heapDir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const newest = files[0]?.mtime ?? 0;
  for (const f of files) {
    if (newest - f.mtime > 60_000 && Date.now() - f.mtime > KEEP_YOUNGER_THAN_MS) rmSync(f.path, { force: true });
  }
}
