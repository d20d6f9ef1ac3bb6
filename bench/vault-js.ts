// The vault's own work per RTP packet, without sockets: N sessions on the real Vault (intake, capture,
// playout, the session tick) with ports that hand datagrams in and drop what is sent, and a clock
// stepped by hand. The system calls and Node's dgram layer, which bench/vault.ts's raw ceiling pays as
// well, are left out, and nothing waits on a timer: the CPU µs per packet (in + out) it prints changes
// little with the load of the machine, so a before/after pair can be judged on a shared one.
// Same traffic as bench/vault.ts: each session plays a prompt in a loop and captures a card number
// sent by RFC 4733 after a second or so of audio. Best (lowest) of the rounds.
// Run: tsx bench/vault-js.ts   (VAULT_JS_SESSIONS=1000 VAULT_JS_TICKS=500 VAULT_JS_ROUNDS=5 to change)
import { buildVault, type CardTokenizer, Vault } from '@ivr/dtmf-vault/in-process';
import { encodeG711, serializeRtp } from '@ivr/media';
import { fmt, printTable } from './stats';
import { BENCH_CARD_FIELD, CARD, cardEventScript, runRows } from './vault-common';

type Handler = (datagram: Buffer, from: { address: string; port: number }) => void;

async function round(sessions: number, ticks: number): Promise<{ usPerPacket: number; keysLost: number }> {
  const noPsp: CardTokenizer = { tokenize: () => Promise.reject(new Error('no PSP in the benchmark')) };
  const tokenizers = { forAccount: async () => noPsp };
  const limits = { maxSessionMs: 3_600_000, rtpSilenceMs: 600_000, maxSessions: sessions };
  // Only its prompts: buildVault binds nothing before a session opens.
  const { prompts } = buildVault({
    rtp: { address: '127.0.0.1', minPort: 40_000, maxPort: 40_002 },
    tokenizers,
    limits,
  });
  const handlers: Handler[] = [];
  let sent = 0;
  const listeners = new Set<() => void>();
  let clock = 1_000_000;
  const vault = new Vault({
    ports: {
      open: async () => {
        const port = 30_000 + 2 * handlers.length;
        return {
          port,
          onDatagram: (handler: Handler) => {
            handlers.push(handler);
          },
          send: () => {
            sent++;
          },
          close: () => {},
        };
      },
    },
    advertisedAddress: '127.0.0.1',
    ticker: { add: (l) => listeners.add(l), remove: (l) => listeners.delete(l) },
    prompts,
    tokenizers,
    limits,
    now: () => clock,
    today: () => new Date(),
  });
  const ids: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const { sessionId } = await vault.open({ offeredCodecs: ['PCMU'] });
    ids.push(sessionId);
    const loop = (): void => {
      vault.play(sessionId, { promptIds: ['enter-card-number'], language: 'en', bargeIn: false }).then(
        (outcome) => (outcome === 'completed' ? loop() : undefined),
        () => undefined,
      );
    };
    loop();
    void vault.capture(sessionId, BENCH_CARD_FIELD, () => {});
  }
  const silence = encodeG711('PCMU', new Int16Array(160));
  const phones = ids.map((_, i) => ({
    from: { address: '127.0.0.1', port: 20_000 + i },
    seq: 1,
    ts: 1000,
    script: cardEventScript(0x1000 + i, 1000),
    silence: serializeRtp({ payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0x1000 + i }, silence),
  }));
  const datagram = Buffer.alloc(172); // the vault zeroes each datagram it has read
  const cpuStart = process.cpuUsage();
  for (let tick = 1; tick <= ticks; tick++) {
    clock += 20;
    phones.forEach((phone, i) => {
      const step = tick - 25 - (i % 50);
      const packet = (step >= 0 ? phone.script[step] : undefined) ?? phone.silence;
      packet.writeUInt16BE(phone.seq & 0xffff, 2);
      packet.writeUInt32BE(phone.ts >>> 0, 4);
      phone.seq++;
      phone.ts += 160;
      packet.copy(datagram);
      (handlers[i] as Handler)(datagram.subarray(0, packet.length), phone.from);
    });
    for (const listener of listeners) listener();
    await Promise.resolve(); // what a prompt's end resolved (the play loop) runs between ticks, as it would
  }
  const cpu = process.cpuUsage(cpuStart);
  const received = sessions * ticks;
  const keys = ids.reduce((sum, id) => sum + vault.counters(id).keys, 0);
  vault.closeAll('shutdown');
  return { usPerPacket: (cpu.user + cpu.system) / (received + sent), keysLost: sessions * CARD.length - keys };
}

async function main(): Promise<void> {
  const sessions = Number(process.env.VAULT_JS_SESSIONS ?? 1000);
  const ticks = Number(process.env.VAULT_JS_TICKS ?? 500);
  const rounds = Number(process.env.VAULT_JS_ROUNDS ?? 5);
  const loadBefore = (await import('node:os')).loadavg()[0] ?? 0;
  const results: number[] = [];
  let lost = 0;
  for (let r = 0; r < rounds; r++) {
    const { usPerPacket, keysLost } = await round(sessions, ticks);
    results.push(usPerPacket);
    lost += keysLost;
  }
  printTable(`dtmf-vault without sockets: ${sessions} sessions, ${ticks} ticks, ${rounds} rounds`, [
    ['keys lost (all rounds)', `${lost}`],
    [
      'vault JS CPU µs per packet in + out, best / median',
      `${fmt(Math.min(...results), 3)} / ${fmt([...results].sort((a, b) => a - b)[Math.floor(rounds / 2)] as number, 3)}`,
    ],
    ...runRows(loadBefore),
  ]);
}

void main();
