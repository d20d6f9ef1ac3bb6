// The heap part of the leak scan must find a card number a process holds: a throwaway node process
// (never the vault) is snapshotted before and after it takes test card numbers into a string, a
// two-byte string, a base64 string, a long string and a Buffer; the scan is quiet before and
// reports each after.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heapSnapshotFlags, takeSnapshot } from '@ivr/testkit/heap-snapshot';
import { waitUntil } from '@ivr/testkit/service-process';
import { scan } from '../scripts/pan-scan';

// The child builds every number from digit lists at run time, so its own source text holds none.
const CHILD = `
const digits = (list) => list.map((d) => String(d)).join('');
globalThis.kept = [];
process.stdin.on('data', () => {
  const text = digits([4,0,0,0,0,5,6,6,5,5,6,6,5,5,5,6]);
  globalThis.kept.push({ order: 'o-1', card: '{"pan":"' + text + '"}' });
  // join, not +: a concatenation is kept in pieces until something flattens it.
  globalThis.kept.push(['カード', digits([3,7,8,2]), digits([8,2,2,4,6,3]), digits([1,0,0,0,5])].join(' '));
  globalThis.kept.push(Buffer.from(digits([6,0,1,1,1,1,1,1,1,1,1,1,1,1,1,7])).toString('base64'));
  // Past the 1024 characters at which V8 cuts strings in a snapshot unless told otherwise.
  globalThis.kept.push(['x'.repeat(5000), digits([3,5,3,0,1,1,1,3,3,3,3,0,0,0,0,0])].join(' '));
  globalThis.kept.push(Buffer.from([5,5,5,5,5,5,5,5,5,5,5,5,4,4,4,4].map((d) => 48 + d)));
  console.log('holding');
});
console.log('ready');
setInterval(() => {}, 1000);
`;

const PANS = ['4000056655665556', '378282246310005', '6011111111111117', '3530111333300000', '5555555555554444'];
const dir = mkdtempSync(join(tmpdir(), 'pan-scan-heap-'));
const diagnosticDir = join(dir, 'incoming');
let child: ChildProcess;
let output = '';

beforeAll(async () => {
  child = spawn(process.execPath, [...heapSnapshotFlags(diagnosticDir), '-e', CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  await waitUntil('the throwaway process', () => output.includes('ready'));
});

afterAll(() => {
  child?.kill('SIGKILL');
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
});

async function snapshotAndScan(heapDir: string) {
  await takeSnapshot({ pid: child.pid as number, name: 'throwaway', diagnosticDir, heapDir });
  const { hits, stats } = await scan({ pans: PANS, securityCodes: ['917'], sources: ['heaps'], heapDir });
  return { hits: hits.map((h) => `${h.source} ${h.what}`), stats };
}

test('finds nothing before the process holds card numbers, and each one after', async () => {
  const before = await snapshotAndScan(join(dir, 'before'));
  expect(readdirSync(join(dir, 'before')).sort()).toEqual([
    expect.stringMatching(/^throwaway-.*\.heapsnapshot$/),
    expect.stringMatching(/^throwaway-.*\.memdump$/),
  ]);
  expect(before.stats.counts.get('heap')).toMatchObject({ items: 1 });
  expect(before.stats.counts.get('memory')?.bytes).toBeGreaterThan(1024 * 1024);
  expect(before.hits).toEqual([]);

  child.stdin?.write('hold\n');
  await waitUntil('the process to hold the numbers', () => output.includes('holding'));
  const after = await snapshotAndScan(join(dir, 'after'));
  expect(after.hits).toEqual(
    expect.arrayContaining([
      'heap 400005******5556', // a JS string, in the snapshot's strings table
      'heap 378282*****0005', // a two-byte string with separators
      'heap 601111******1117 (base64)',
      'heap 353011******0000', // at the end of a string of 5000 characters
      'memory 400005******5556',
      'memory 378282*****0005', // UTF-16 in memory
      'memory 555555******4444', // a Buffer's bytes: only the memory dump has them
    ]),
  );
  expect(after.hits.join('\n')).not.toMatch(/\d{13}/);
});

test('refuses to snapshot the vault, or a process that would die of the signal', async () => {
  await expect(
    takeSnapshot({ pid: child.pid as number, name: 'dtmf-vault', diagnosticDir, heapDir: dir }),
  ).rejects.toThrow(/never snapshot dtmf-vault/);
  const plain = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  try {
    await expect(
      takeSnapshot({ pid: plain.pid as number, name: 'plain', diagnosticDir, heapDir: dir }),
    ).rejects.toThrow(/not started with --heapsnapshot-signal=SIGUSR2/);
    expect(plain.exitCode).toBeNull();
  } finally {
    plain.kill('SIGKILL');
  }
});
