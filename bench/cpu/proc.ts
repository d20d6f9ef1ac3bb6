// CPU time of processes from Linux's /proc accounting: utime + stime of a process (every thread), and
// cutime + cstime, what its children that ended and were reaped used. A process tree's total is the
// sum of both over its live members: a child that ended is then counted once, in its parent's.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
export const CLOCK_TICKS_PER_S = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, ticks. */
  own: number;
  /** cutime + cstime: reaped children, ticks. */
  children: number;
}

/** /proc/<pid>/stat, or undefined once the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i]);
  return { pid, ppid: n(1), own: n(11) + n(12), children: n(13) + n(14) };
}

/** Every process's stat, by pid. */
export function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) stats.set(s.pid, s);
  }
  return stats;
}

/** `root` and its live descendants. */
export function treeOf(root: number, stats: Map<number, ProcStat>): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const s of stats.values()) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const visit = (pid: number) => {
    const s = stats.get(pid);
    if (!s) return;
    out.push(s);
    for (const c of byParent.get(pid) ?? []) visit(c.pid);
  };
  visit(root);
  return out;
}

/** Ticks of a tree: every live member's own time and what its reaped children used. */
export const treeTicks = (tree: ProcStat[]): number => tree.reduce((sum, s) => sum + s.own + s.children, 0);

/** A process's command line, NUL-separated arguments joined by spaces ('' once it is gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Inodes of the sockets a process holds open. */
export function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/**
 * Local ports of the TCP connections that the sockets `inodes` hold to `remotePort` on this host
 * (/proc/net/tcp and tcp6: "local rem st ... inode", addresses in hex).
 */
export function localPortsTo(remotePort: number, inodes: Set<number>): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = Number.parseInt(f[1]?.split(':')[1] ?? '', 16);
      const remote = Number.parseInt(f[2]?.split(':')[1] ?? '', 16);
      if (remote === remotePort && inodes.has(Number(f[9]))) ports.add(local);
    }
  }
  return ports;
}

/**
 * The client port a PostgreSQL backend serves, from its process title
 * ("postgres: callcontrol callcontrol 127.0.0.1(45678) idle"), or undefined for other server processes.
 */
export function backendClientPort(title: string): number | undefined {
  const m = /^postgres: \S+ \S+ [\d.:a-f[\]]+\((\d+)\)/.exec(title);
  return m ? Number(m[1]) : undefined;
}
