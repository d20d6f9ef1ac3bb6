// SIP signalling capacity of call-control's user agent (no dialogue, no media): a UDP load generator
// of our own places INVITE → 200 → ACK, holds the calls, then BYE → 200. Prints call setups/s, setup
// latency p50/p99 (INVITE sent → 200 received), concurrent calls held, and parser messages/s.
// The user agent runs in its own process so that the generator does not share its event loop.
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import os from 'node:os';
import path from 'node:path';
import { parseMessage } from '@ivr/sip';
import { fmt, printTable, summarize } from './stats';

const SETUP_RATE = Number(process.env.BENCH_SIP_RATE ?? 200); // INVITEs offered per second
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENT = Number(process.env.BENCH_SIP_CONCURRENT ?? 500);

interface Pending {
  sentAt: number;
  resolve: (toTag: string) => void;
}

class LoadGenerator {
  retransmissions = 0;
  private readonly waiting = new Map<string, Pending>();
  private constructor(
    private readonly socket: dgram.Socket,
    private readonly target: number,
  ) {
    socket.on('message', (buf) => {
      const text = buf.toString('latin1');
      if (!text.startsWith('SIP/2.0 200')) return;
      const callId = /\r\nCall-ID: ([^\r]+)/i.exec(text)?.[1] ?? '';
      const method = /\r\nCSeq: \d+ (\w+)/i.exec(text)?.[1] ?? '';
      const key = `${callId}|${method}`;
      const p = this.waiting.get(key);
      if (!p) return;
      this.waiting.delete(key);
      p.resolve(/\r\nTo: [^\r]*;tag=([^;\r]+)/i.exec(text)?.[1] ?? '');
    });
  }

  static async open(target: number): Promise<LoadGenerator> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    socket.setRecvBufferSize(8 * 1024 * 1024);
    socket.setSendBufferSize(8 * 1024 * 1024);
    return new LoadGenerator(socket, target);
  }

  /** INVITE until 200, then ACK. Resolves with the setup time in ms and the To-tag. */
  async setup(callId: string): Promise<{ ms: number; toTag: string }> {
    const sentAt = performance.now();
    const toTag = await this.request('INVITE', callId, 1, undefined, SDP);
    this.send(this.build('ACK', callId, 1, toTag, '', `${callId}ack`));
    return { ms: performance.now() - sentAt, toTag };
  }

  async teardown(callId: string, toTag: string): Promise<void> {
    await this.request('BYE', callId, 2, toTag, '');
  }

  close(): void {
    this.socket.close();
  }

  private request(method: string, callId: string, cseq: number, toTag: string | undefined, body: string) {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearTimeout(retransmit);
        this.waiting.delete(`${callId}|${method}`);
        reject(new Error(`${method} ${callId} timed out`));
      }, 32_000);
      const message = this.build(method, callId, cseq, toTag, body, `${callId}${method}`);
      // Retransmit like a UAC's Timer A/E (T1 doubling, capped at T2): UDP loses datagrams under load.
      let retransmit: NodeJS.Timeout | undefined;
      const schedule = (interval: number) => {
        retransmit = setTimeout(() => {
          this.retransmissions++;
          this.send(message);
          schedule(Math.min(interval * 2, 4000));
        }, interval);
      };
      this.waiting.set(`${callId}|${method}`, {
        sentAt: performance.now(),
        resolve: (tag) => {
          clearTimeout(timer);
          clearTimeout(retransmit);
          resolve(tag);
        },
      });
      this.send(message);
      schedule(500);
    });
  }

  private send(text: string): void {
    this.socket.send(Buffer.from(text, 'latin1'), this.target, '127.0.0.1');
  }

  private build(method: string, callId: string, cseq: number, toTag: string | undefined, body: string, branch: string) {
    const port = this.socket.address().port;
    return [
      `${method} sip:TC1@127.0.0.1:${this.target} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${branch};rport`,
      'Max-Forwards: 70',
      'From: <sip:pbx@127.0.0.1>;tag=gen',
      `To: <sip:TC1@127.0.0.1>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:pbx@127.0.0.1:${port}>`,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${body.length}`,
      '',
      body,
    ].join('\r\n');
  }
}

const SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 30000 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  '',
].join('\r\n');

async function startServer(): Promise<{ port: number; stop: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sip', 'ua-server.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d) => {
      resolve(Number(d.toString().trim()));
      child.stdout.resume(); // a paused stream never ends, and 'close' waits for it
    });
    child.once('exit', (code) => reject(new Error(`ua-server exited ${code}: ${stderr}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('close', () => resolve(stderr.trim()));
        child.kill('SIGTERM');
      }),
  };
}

async function sustainedSetups(gen: LoadGenerator): Promise<Array<[string, string]>> {
  const latencies: number[] = [];
  let failed = 0;
  const calls: Promise<void>[] = [];
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < DURATION_MS) {
    const due = Math.floor(((performance.now() - started) / 1000) * SETUP_RATE);
    for (; n < due; n++) {
      const callId = `s${n}`;
      calls.push(
        gen
          .setup(callId)
          .then(async ({ ms, toTag }) => {
            latencies.push(ms);
            await gen.teardown(callId, toTag);
          })
          .catch(() => {
            failed++;
          }),
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(calls);
  const elapsed = (performance.now() - started) / 1000;
  const s = summarize(latencies);
  return [
    ['offered INVITE rate', `${SETUP_RATE}/s for ${DURATION_MS / 1000} s`],
    ['completed call setups/s', fmt(latencies.length / elapsed)],
    ['failed calls', String(failed)],
    ['setup latency p50 / p99 / max', `${fmt(s.p50, 2)} / ${fmt(s.p99, 2)} / ${fmt(s.max, 2)} ms`],
  ];
}

async function concurrentCalls(gen: LoadGenerator): Promise<Array<[string, string]>> {
  const held: Array<{ callId: string; toTag: string }> = [];
  let failed = 0;
  const started = performance.now();
  // Ramp in batches of 50 so that the figure is about holding calls, not a single burst.
  for (let batch = 0; batch < CONCURRENT; batch += 50) {
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(50, CONCURRENT - batch) }, (_, i) => {
        const callId = `c${batch + i}`;
        return gen.setup(callId).then(({ toTag }) => held.push({ callId, toTag }));
      }),
    );
    failed += results.filter((r) => r.status === 'rejected').length;
  }
  const setupSeconds = (performance.now() - started) / 1000;
  const teardown = await Promise.allSettled(held.map((c) => gen.teardown(c.callId, c.toTag)));
  failed += teardown.filter((r) => r.status === 'rejected').length;
  return [
    ['concurrent calls held', `${held.length} of ${CONCURRENT}`],
    ['time to set them all up', `${fmt(setupSeconds, 2)} s`],
    ['failed (setup or BYE)', String(failed)],
  ];
}

function parserRate(): Array<[string, string]> {
  const invite = Buffer.from(
    [
      'INVITE sip:TC1@127.0.0.1:5070 SIP/2.0',
      'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabcdef;rport',
      'Record-Route: <sip:10.0.0.1;lr>',
      'Max-Forwards: 70',
      'From: "PBX" <sip:pbx@10.0.0.1>;tag=123',
      'To: <sip:TC1@127.0.0.1>',
      'Call-ID: bench@10.0.0.1',
      'CSeq: 1 INVITE',
      'Contact: <sip:pbx@10.0.0.1:5060>',
      'Content-Type: application/sdp',
      `Content-Length: ${SDP.length}`,
      '',
      SDP,
    ].join('\r\n'),
    'latin1',
  );
  const until = performance.now() + 1000;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) parseMessage(invite);
    n += 100;
  }
  return [['parser: INVITE with SDP parsed/s (one core)', fmt(n, 0)]];
}

async function main(): Promise<void> {
  const server = await startServer();
  const gen = await LoadGenerator.open(server.port);
  try {
    printTable(
      'SIP user agent: sustained call setups (INVITE/200/ACK, then BYE/200), UDP loopback',
      await sustainedSetups(gen),
    );
    printTable('SIP user agent: calls held at once', await concurrentCalls(gen));
    printTable('SIP parser', parserRate());
  } finally {
    gen.close();
    console.log(`\ngenerator retransmissions: ${gen.retransmissions}`);
    console.log(`user agent counters: ${await server.stop()}`);
    console.log(
      `load average while measuring: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${os.cpus().length} cores)`,
    );
  }
}

void main();
