/**
 * Heap snapshot and memory dump of services started by scripts/services.sh (.var/pids/<name>.pid), for
 * `make pan-scan` (how: @ivr/testkit's heap-snapshot). By default every running services/<name> but the
 * vault (not the PSP simulator, whose test cards are its job, nor the infrastructure, which is not node).
 *
 *   tsx scripts/heap-snapshot.ts [name...]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { alive, incomingDir, takeSnapshot, VAULT } from '@ivr/testkit/heap-snapshot';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const pidsDir = join(root, '.var', 'pids');
  const requested = process.argv.slice(2);
  const names = requested.length
    ? requested
    : readdirSync(join(root, 'services')).filter(
        (n) => n !== VAULT && existsSync(join(root, 'services', n, 'dev.env')) && existsSync(join(pidsDir, `${n}.pid`)),
      );
  if (names.length === 0) throw new Error('no service is running (scripts/services.sh start)');
  if (names.includes(VAULT)) throw new Error(`never snapshot ${VAULT}: it holds card data in memory by design`);
  for (const name of names) {
    const pidFile = join(pidsDir, `${name}.pid`);
    if (!existsSync(pidFile)) throw new Error(`${name} is not running (no ${pidFile}; scripts/services.sh start)`);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!alive(pid)) throw new Error(`${name} (pid ${pid}) is not running`);
    const snap = await takeSnapshot({ pid, name, diagnosticDir: incomingDir(name) });
    const size = (f?: string) => (f ? `${(statSync(f).size / 1024 ** 2).toFixed(1)} MiB` : '');
    console.log(
      `${name}: ${snap.heapSnapshot} (${size(snap.heapSnapshot)}), ${snap.memoryDump} (${size(snap.memoryDump)})`,
    );
  }
}

main().catch((err: Error) => {
  console.error(`heap-snapshot: ${err.message}`);
  process.exit(1);
});
