// dtmf-vault media benchmark: N concurrent media sessions, each playing a prompt in a loop and
// capturing a card number sent as RFC 4733 events, with the vault pinned to one core (taskset -c 0)
// and the load generator (the phones) on the other. Prints, per N: digits lost, playout timer
// lateness, how long each tick (burst of sends) ran, and inter-arrival jitter p50/p99 at the phones,
// vault CPU and memory per session.
// Run: make bench-vault   (VAULT_BENCH_SESSIONS=250,500,1000 VAULT_BENCH_SECONDS=10 to change;
// VAULT_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the vault's process)

import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { loadavg } from 'node:os';
import { buildVault, type CardTokenizer } from '@ivr/dtmf-vault/in-process';
import { encodeG711, serializeRtp, Ticker } from '@ivr/media';
import { fmt, printTable, summarize } from './stats';
import { BENCH_CARD_FIELD, CARD, cardEventScript, measureWindow, runRows } from './vault-common';

const PORT_BASE = 30_000;

interface WorkerReport {
  completed: number;
  keys: number;
  latenessMs: number[];
  /** How long each tick (each step of a phased clock) ran: the longest burst the event loop waits for. */
  busyMs: number[];
  cpuPercent: number;
  rssPerSessionKiB: number;
  heapPerSessionKiB: number;
  /** CPU per packet moved (received + sent) in the window: what starving the process does not change much. */
  cpuUsPerPacket: number;
}

type WorkerMessage = { type: 'ready'; ports: number[] } | { type: 'report'; report: WorkerReport };

// ---------------------------------------------------------------- vault side (core 0)
async function worker(sessions: number, seconds: number): Promise<void> {
  const noPsp: CardTokenizer = { tokenize: () => Promise.reject(new Error('no PSP in the benchmark')) };
  const { vault, ticker } = buildVault({
    rtp: { address: '127.0.0.1', minPort: PORT_BASE, maxPort: PORT_BASE + 2 * sessions + 200 },
    tokenizers: { forAccount: async () => noPsp },
    limits: { maxSessionMs: 3_600_000, rtpSilenceMs: 600_000, maxSessions: sessions },
  });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const ids: string[] = [];
  const ports: number[] = [];
  let completed = 0;
  for (let i = 0; i < sessions; i++) {
    const opened = await vault.open({ offeredCodecs: ['PCMU'] });
    ids.push(opened.sessionId);
    ports.push(opened.port);
    const loop = (): void => {
      vault.play(opened.sessionId, { promptIds: ['enter-card-number'], language: 'en', bargeIn: false }).then(
        (outcome) => (outcome === 'completed' ? loop() : undefined),
        () => undefined,
      );
    };
    loop();
    void vault
      .capture(opened.sessionId, BENCH_CARD_FIELD, () => {})
      .then((outcome) => {
        if (outcome.status === 'completed' && outcome.update.digitsEntered === 16) completed++;
      });
  }
  send({ type: 'ready', ports });
  const packets = () =>
    ids.reduce((sum, id) => {
      const c = vault.counters(id);
      return sum + c.packetsReceived + c.packetsSent;
    }, 0);
  const window = await measureWindow(seconds, ticker, packets);
  const keys = ids.reduce((sum, id) => sum + vault.counters(id).keys, 0);
  global.gc?.();
  const memory = process.memoryUsage();
  send({
    type: 'report',
    report: {
      completed,
      keys,
      latenessMs: window.latenessMs,
      busyMs: window.busyMs,
      cpuPercent: window.cpuPercent,
      rssPerSessionKiB: (memory.rss - rssBefore) / 1024 / sessions,
      heapPerSessionKiB: (memory.heapUsed - heapBefore) / 1024 / sessions,
      cpuUsPerPacket: window.cpuMicros / Math.max(1, window.counted),
    },
  });
  vault.closeAll('shutdown');
  ticker.stop();
  process.exit(0);
}

// ---------------------------------------------------------------- the raw ceiling (core 0)
/**
 * A bare RTP endpoint per session on the same core: each socket takes what its phone sends (and drops
 * it) and sends one 172-byte packet per tick of the same shared 20 ms clock; no parsing, no decoding,
 * no playout, no capture. What the machine allows a process that only moves the packets.
 */
async function echoWorker(sessions: number, seconds: number): Promise<void> {
  const ticker = new Ticker();
  const ports: number[] = [];
  const sockets: dgram.Socket[] = [];
  const connected = new Set<dgram.Socket>();
  let moved = 0;
  const frame = encodeG711('PCMU', new Int16Array(160));
  for (let i = 0; i < sessions; i++) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    // Connected to its phone once it has heard it (a connected socket needs no address per send).
    socket.once('message', (_m, from) => socket.connect(from.port, from.address, () => connected.add(socket)));
    socket.on('message', () => {
      moved++;
    });
    sockets.push(socket);
    ports.push(socket.address().port);
  }
  let seq = 0;
  ticker.add(() => {
    seq++;
    for (const [i, socket] of sockets.entries()) {
      if (!connected.has(socket)) continue;
      moved++;
      socket.send(serializeRtp({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0x5000 + i }, frame));
    }
  });
  send({ type: 'ready', ports });
  const window = await measureWindow(seconds, ticker, () => moved);
  send({
    type: 'report',
    report: {
      completed: 0,
      keys: 0,
      latenessMs: window.latenessMs,
      busyMs: window.busyMs,
      cpuPercent: window.cpuPercent,
      rssPerSessionKiB: 0,
      heapPerSessionKiB: 0,
      cpuUsPerPacket: window.cpuMicros / Math.max(1, window.counted),
    },
  });
  ticker.stop();
  process.exit(0);
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

// ---------------------------------------------------------------- phones side (core 1)
interface Phone {
  socket: dgram.Socket;
  port: number;
  seq: number;
  ts: number;
  script: (Buffer | undefined)[];
  lastArrival: number;
}

async function runLevel(
  mode: 'vault' | 'echo',
  sessions: number,
  seconds: number,
): Promise<{ report: WorkerReport; arrivals: number[] }> {
  const child: ChildProcess = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      ...(process.env.VAULT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--expose-gc',
      '--import',
      'tsx',
      __filename,
      `--${mode}`,
      String(sessions),
      String(seconds),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ready = await new Promise<number[]>((resolve) =>
    child.on('message', (m: WorkerMessage) => m.type === 'ready' && resolve(m.ports)),
  );
  const silence = encodeG711('PCMU', new Int16Array(160));
  const arrivals: number[] = [];
  const phones: Phone[] = [];
  for (const port of ready) {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const phone: Phone = { socket, port, seq: 1, ts: 1000, script: [], lastArrival: 0 };
    const measured = phones.length < 100; // inter-arrival jitter sampled on 100 sessions
    socket.on('message', () => {
      if (!measured) return;
      const now = performance.now();
      if (phone.lastArrival) arrivals.push(Math.abs(now - phone.lastArrival - 20));
      phone.lastArrival = now;
    });
    phones.push(phone);
  }
  phones.forEach((phone, i) => {
    phone.script = cardEventScript(0x1000 + i, phone.ts);
  });
  // All phones send on one 20 ms clock; each starts its card number at a staggered tick.
  const ticker = new Ticker();
  let tick = 0;
  ticker.add(() => {
    tick++;
    phones.forEach((phone, i) => {
      const step = tick - 25 - (i % 50);
      const scripted = step >= 0 ? phone.script[step] : undefined;
      const packet =
        scripted ??
        serializeRtp({ payloadType: 0, sequenceNumber: phone.seq, timestamp: phone.ts, ssrc: 0x1000 + i }, silence);
      packet.writeUInt16BE(phone.seq & 0xffff, 2);
      phone.seq++;
      phone.ts += 160;
      phone.socket.send(packet, phone.port, '127.0.0.1');
    });
  });
  const report = await new Promise<WorkerReport>((resolve) =>
    child.on('message', (m: WorkerMessage) => m.type === 'report' && resolve(m.report)),
  );
  ticker.stop();
  for (const phone of phones) phone.socket.close();
  return { report, arrivals };
}

async function main(): Promise<void> {
  const levels = (process.env.VAULT_BENCH_SESSIONS ?? '250,500,1000').split(',').map(Number);
  const seconds = Number(process.env.VAULT_BENCH_SECONDS ?? 10);
  const header = [
    'sessions',
    'cards lost / keys lost',
    'timer lateness p50/p99 ms',
    'tick duration p50/p99 ms (one burst of sends)',
    'arrival jitter p50/p99 ms',
    'vault CPU (1 core)',
    'vault CPU µs per packet in + out',
    'RSS / heap KiB per session',
    'raw ceiling: bare RTP endpoint, lateness p50/p99 ms',
    'raw ceiling: tick duration p50/p99 ms',
    'raw ceiling: arrival jitter p50/p99 ms',
    'raw ceiling: CPU (1 core)',
    'raw ceiling: CPU µs per packet in + out',
  ];
  const loadBefore = loadavg()[0] ?? 0;
  const rows: string[][] = [];
  const pair = (s: { p50: number; p99: number }) => `${fmt(s.p50, 2)} / ${fmt(s.p99, 2)}`;
  for (const n of levels) {
    const vault = await runLevel('vault', n, seconds);
    const echo = await runLevel('echo', n, seconds);
    const { report } = vault;
    rows.push([
      `${n}`,
      `${n - report.completed} / ${n * CARD.length - report.keys}`,
      pair(summarize(report.latenessMs)),
      pair(summarize(report.busyMs)),
      pair(summarize(vault.arrivals)),
      `${fmt(report.cpuPercent, 0)} %`,
      fmt(report.cpuUsPerPacket, 2),
      `${fmt(report.rssPerSessionKiB, 1)} / ${fmt(report.heapPerSessionKiB, 1)}`,
      pair(summarize(echo.report.latenessMs)),
      pair(summarize(echo.report.busyMs)),
      pair(summarize(echo.arrivals)),
      `${fmt(echo.report.cpuPercent, 0)} %`,
      fmt(echo.report.cpuUsPerPacket, 2),
    ]);
  }
  printTable(
    `dtmf-vault: concurrent media sessions, prompts playing, card numbers by RFC 4733 (${seconds} s each, vault on core 0; the ceiling: bare sockets on the same core and clock)`,
    [
      ...header.map((h, i): [string, string] => [h, rows.map((r) => (r[i] ?? '').padStart(14)).join('  ')]),
      ...runRows(loadBefore),
    ],
  );
}

const [flag, count, duration] = process.argv.slice(2);
if (flag === '--vault') void worker(Number(count), Number(duration));
else if (flag === '--echo') void echoWorker(Number(count), Number(duration));
else void main();
