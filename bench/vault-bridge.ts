// dtmf-vault agent-assisted benchmark: N bridged calls (two legs each: caller and operator) on one vault
// core (taskset -c 0), every caller keying a card number while its operator listens, the phones on the
// other core. One caller in ten keys in-band tones (masked by detection), the others RFC 4733 events
// (dropped, masking forced around them). Prints, per N: cards and keys lost, vault CPU, playout timer
// lateness, the one-way delay the bridge adds caller → operator (p50/p99, measured on frames marked by
// their value), and what leaks to the operators of the in-band callers (tone left per digit, digits an
// independent decoder and multimon-ng hear). Beside it, the raw ceiling of the same run: a plain UDP relay
// of the same calls on the same core (no decoding, no masking), its CPU.
// Run: make bench-vault   (VAULT_BRIDGE_CALLS=100,200 VAULT_BENCH_SECONDS=10 to change)

import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { loadavg } from 'node:os';
import { buildVault, type CardTokenizer } from '@ivr/dtmf-vault/in-process';
import { decodeG711, encodeG711, serializeRtp, Ticker } from '@ivr/media';
import { keySequence } from '@ivr/testkit/dtmf-signals';
import { decodeDtmf, leakedToneMs, multimonAvailable, multimonDecode } from '@ivr/testkit/reference-dtmf';
import { fmt, printTable, summarize } from './stats';
import { BENCH_CARD_FIELD, CARD, cardEventScript, latenessSince, runRows } from './vault-common';

const PORT_BASE = 32_000;
const INBAND_EVERY = 10;
const START_TICK = 25; // the phones talk for 0.5 s before the first keys
const TONE_MS = 80;
const GAP_MS = 100;

interface WorkerReport {
  completed: number;
  keys: number;
  latenessMs: number[];
  cpuPercent: number;
}

type WorkerMessage = { type: 'ready'; ports: [number, number][] } | { type: 'report'; report: WorkerReport };

const send = (message: WorkerMessage) => process.send?.(message);

function cpuOver(seconds: number): Promise<number> {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  return new Promise((resolve) =>
    setTimeout(() => {
      const cpu = process.cpuUsage(cpuStart);
      resolve(((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100);
    }, seconds * 1000),
  );
}

// ---------------------------------------------------------------- vault side (core 0)
async function vaultWorker(calls: number, seconds: number): Promise<void> {
  const noPsp: CardTokenizer = { tokenize: () => Promise.reject(new Error('no PSP in the benchmark')) };
  const { vault, ticker } = buildVault({
    rtp: { address: '127.0.0.1', minPort: PORT_BASE, maxPort: PORT_BASE + 4 * calls + 200 },
    tokenizers: { forAccount: async () => noPsp },
    limits: { maxSessionMs: 3_600_000, rtpSilenceMs: 600_000, maxSessions: calls },
  });
  const ports: [number, number][] = [];
  const ids: string[] = [];
  let completed = 0;
  for (let i = 0; i < calls; i++) {
    const opened = await vault.open({ offeredCodecs: ['PCMU'], sdpPeer: { address: '127.0.0.1', port: 9 } });
    const leg = await vault.openOperatorLeg(opened.sessionId);
    // The operator's phone is on this host: its first packet teaches the vault its port.
    vault.setLegRemote(opened.sessionId, 'operator', { peer: { address: '127.0.0.1', port: 9 }, codec: 'PCMU' });
    ids.push(opened.sessionId);
    ports.push([opened.port, leg.port]);
    void vault
      .capture(opened.sessionId, BENCH_CARD_FIELD, () => {})
      .then((outcome) => {
        if (outcome.status === 'completed' && outcome.update.digitsEntered === 16) completed++;
      });
  }
  send({ type: 'ready', ports });
  const latenessStart = ticker.latenessCount;
  const cpuPercent = await cpuOver(seconds);
  const latenessMs = latenessSince(ticker, latenessStart);
  const keys = ids.reduce((sum, id) => sum + vault.counters(id).keys, 0);
  send({ type: 'report', report: { completed, keys, latenessMs, cpuPercent } });
  vault.closeAll('shutdown');
  ticker.stop();
  process.exit(0);
}

// ---------------------------------------------------------------- the raw ceiling (core 0)
async function relayWorker(calls: number, seconds: number): Promise<void> {
  const ports: [number, number][] = [];
  const open = () =>
    new Promise<dgram.Socket>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(s));
    });
  for (let i = 0; i < calls; i++) {
    const a = await open();
    const b = await open();
    let toA: number | undefined;
    let toB: number | undefined;
    a.on('message', (m, from) => {
      toA = from.port;
      if (toB) b.send(m, toB, '127.0.0.1');
    });
    b.on('message', (m, from) => {
      toB = from.port;
      if (toA) a.send(m, toA, '127.0.0.1');
    });
    ports.push([a.address().port, b.address().port]);
  }
  send({ type: 'ready', ports });
  const cpuPercent = await cpuOver(seconds);
  send({ type: 'report', report: { completed: 0, keys: 0, latenessMs: [], cpuPercent } });
  process.exit(0);
}

// ---------------------------------------------------------------- phones side (core 1)
interface Call {
  caller: dgram.Socket;
  operator: dgram.Socket;
  callerPort: number;
  operatorPort: number;
  inband: boolean;
  seq: number;
  ts: number;
  opSeq: number;
  /** What the operator heard (measured calls). */
  heard: Uint8Array[];
  /** When each marked caller frame left, by marker value. */
  sentAt: Map<number, number>;
}

const silent = encodeG711('PCMU', new Int16Array(160));
const markerOf = (tick: number) => 0x90 + (tick % 32); // a constant µ-law value per frame, 0.64 s cycle

/** The caller's in-band keys as 20 ms µ-law frames (tone, gap, ...). */
const inbandFrames: Uint8Array[] = (() => {
  const pcm = Int16Array.from(keySequence(CARD, TONE_MS, GAP_MS), (x) => Math.round(x));
  const encoded = encodeG711('PCMU', pcm);
  const frames: Uint8Array[] = [];
  for (let i = 0; i + 160 <= encoded.length; i += 160) frames.push(encoded.subarray(i, i + 160));
  return frames;
})();

interface LevelResult {
  report: WorkerReport;
  delaysMs: number[];
  leaksMs: number[];
  decoded: { reference: number; multimon: number };
}

async function runLevel(mode: 'vault' | 'relay', calls: number, seconds: number): Promise<LevelResult> {
  const child: ChildProcess = spawn(
    'taskset',
    ['-c', '0', process.execPath, '--import', 'tsx', __filename, `--${mode}`, String(calls), String(seconds)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ready = await new Promise<[number, number][]>((resolve) =>
    child.on('message', (m: WorkerMessage) => m.type === 'ready' && resolve(m.ports)),
  );
  const bind = () =>
    new Promise<dgram.Socket>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(s));
    });
  const list: Call[] = [];
  const delaysMs: number[] = [];
  for (const [i, [callerPort, operatorPort]] of ready.entries()) {
    const call: Call = {
      caller: await bind(),
      operator: await bind(),
      callerPort,
      operatorPort,
      inband: i % INBAND_EVERY === 0,
      seq: 1,
      ts: 1000,
      opSeq: 1,
      heard: [],
      sentAt: new Map(),
    };
    const measured = i % 5 === 1 || call.inband; // delay sampled on a fifth of the RFC 4733 calls
    call.operator.on('message', (msg: Buffer) => {
      if (!measured || msg.length < 12 + 160) return;
      const payload = msg.subarray(12);
      if (call.inband) call.heard.push(Uint8Array.from(payload));
      const value = payload[0] as number;
      const sent = call.sentAt.get(value);
      if (sent !== undefined && payload.every((b) => b === value)) {
        delaysMs.push(performance.now() - sent);
        call.sentAt.delete(value);
      }
    });
    list.push(call);
  }
  const scripts = list.map((_, i) => cardEventScript(0x1000 + i, 100_000));
  const ticker = new Ticker();
  let tick = 0;
  ticker.add(() => {
    tick++;
    const now = performance.now();
    list.forEach((call, i) => {
      const step = tick - START_TICK - (i % 50);
      let packet: Buffer | undefined;
      if (call.inband && step >= 0 && step < inbandFrames.length) {
        packet = serializeRtp(
          { payloadType: 0, sequenceNumber: call.seq, timestamp: call.ts, ssrc: 0x1000 + i },
          inbandFrames[step] as Uint8Array,
        );
      } else if (!call.inband && step >= 0) packet = scripts[i]?.[step];
      if (!packet) {
        const marker = markerOf(tick);
        packet = serializeRtp(
          { payloadType: 0, sequenceNumber: call.seq, timestamp: call.ts, ssrc: 0x1000 + i },
          new Uint8Array(160).fill(marker),
        );
        call.sentAt.set(marker, now);
      }
      packet.writeUInt16BE(call.seq & 0xffff, 2);
      call.seq++;
      call.ts += 160;
      call.caller.send(packet, call.callerPort, '127.0.0.1');
      call.operator.send(
        serializeRtp({ payloadType: 0, sequenceNumber: call.opSeq++, timestamp: call.ts, ssrc: 0x3000 + i }, silent),
        call.operatorPort,
        '127.0.0.1',
      );
    });
  });
  const report = await new Promise<WorkerReport>((resolve) =>
    child.on('message', (m: WorkerMessage) => m.type === 'report' && resolve(m.report)),
  );
  ticker.stop();
  for (const call of list) {
    call.caller.close();
    call.operator.close();
  }
  // What the operators of in-band callers heard: decoded by two decoders that are not the vault's, and
  // the tone left of each key (the operator hears frame k of the caller as its frame k + 2: 40 ms later).
  const leaksMs: number[] = [];
  const decoded = { reference: 0, multimon: 0 };
  if (mode === 'vault') {
    const withMultimon = multimonAvailable();
    const tones = toneSpans();
    for (const [i, call] of list.entries()) {
      if (!call.inband || call.heard.length === 0) continue;
      const heard = new Int16Array(call.heard.length * 160);
      for (const [k, f] of call.heard.entries()) decodeG711('PCMU', f, heard.subarray(k * 160));
      decoded.reference += decodeDtmf(heard).length;
      if (withMultimon) decoded.multimon += multimonDecode(heard).length;
      // The caller's keys start at tick T0; the heard frame just before them is the last one that still
      // carries tick T0-1's marker (frames before the keys are constant, one value per tick).
      const before = markerOf(START_TICK + (i % 50) - 1);
      let last = -1;
      for (const [k, f] of call.heard.entries()) {
        if (!f.every((b) => b === f[0])) break;
        if (f[0] === before) last = k;
      }
      if (last < 0) continue;
      for (const t of tones) leaksMs.push(leakedToneMs(t.samples, (last + 1) * 160 + t.at, heard, 0));
    }
  }
  return { report, delaysMs, leaksMs, decoded };
}

/** Where each key's tone lies in the in-band caller's key frames, and its samples. */
function toneSpans(): { at: number; samples: Float64Array }[] {
  const signal = keySequence(CARD, TONE_MS, GAP_MS);
  const spans: { at: number; samples: Float64Array }[] = [];
  const toneLength = (TONE_MS * 8000) / 1000;
  let at = (40 * 8000) / 1000; // keySequence's leading silence
  for (let k = 0; k < CARD.length; k++) {
    spans.push({ at, samples: signal.subarray(at, at + toneLength) });
    at += toneLength + (GAP_MS * 8000) / 1000;
  }
  return spans;
}

async function main(): Promise<void> {
  const levels = (process.env.VAULT_BRIDGE_CALLS ?? '100,200').split(',').map(Number);
  const seconds = Number(process.env.VAULT_BENCH_SECONDS ?? 10);
  const header = [
    'bridged calls (2 legs each)',
    'cards lost / keys lost',
    'vault CPU (1 core)',
    'raw ceiling: plain UDP relay CPU',
    'timer lateness p50/p99 ms',
    'added delay caller → operator p50/p99 ms',
    'tone left per digit mean/max ms (in-band)',
    'digits decoded at operators (Goertzel/multimon)',
  ];
  const rows: string[][] = [];
  const loadBefore = loadavg()[0] ?? 0;
  for (const calls of levels) {
    const vault = await runLevel('vault', calls, seconds);
    const relay = await runLevel('relay', calls, seconds);
    const lateness = summarize(vault.report.latenessMs);
    const delay = summarize(vault.delaysMs);
    const leaks = vault.leaksMs;
    const inbandCalls = Math.ceil(calls / INBAND_EVERY);
    rows.push([
      `${calls} (${inbandCalls} in-band)`,
      `${calls - vault.report.completed} / ${calls * CARD.length - vault.report.keys}`,
      `${fmt(vault.report.cpuPercent, 0)} %`,
      `${fmt(relay.report.cpuPercent, 0)} %`,
      `${fmt(lateness.p50, 2)} / ${fmt(lateness.p99, 2)}`,
      `${fmt(delay.p50, 1)} / ${fmt(delay.p99, 1)} (n=${delay.n})`,
      `${fmt(leaks.reduce((a, b) => a + b, 0) / Math.max(1, leaks.length), 2)} / ${fmt(Math.max(0, ...leaks), 2)} (${leaks.length} digits)`,
      `${vault.decoded.reference} / ${vault.decoded.multimon}`,
    ]);
  }
  printTable(
    `dtmf-vault: agent-assisted calls bridged on one core, every caller keying a card (${seconds} s each, vault on core 0; the ceiling relays the same packets without decoding)`,
    [
      ...header.map((h, i): [string, string] => [h, rows.map((r) => (r[i] ?? '').padStart(22)).join('  ')]),
      ...runRows(loadBefore),
    ],
  );
}

const [flag, calls, seconds] = process.argv.slice(2);
if (flag === '--vault') void vaultWorker(Number(calls), Number(seconds));
else if (flag === '--relay') void relayWorker(Number(calls), Number(seconds));
else void main();
