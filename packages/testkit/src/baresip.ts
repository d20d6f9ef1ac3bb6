// A real SIP phone for tests: Debian's baresip 1.0, one process per phone, driven over ctrl_tcp
// (netstring-framed JSON). Each phone gets its own config dir, SIP port, control port and a long
// silent 8 kHz source, so phones never share state and calls don't end because the source ran dry.
//
//   const phone = await BaresipPhone.start({ name: 'caller' });
//   await phone.dial('sip:12345@127.0.0.1:5070');
//   await phone.waitForEvent('CALL_ESTABLISHED');
//   await phone.sendDigits('4242');
//   await phone.stop();
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { concat, keySequence, silence } from './dtmf-signals';
import { freePort } from './ports';

export interface BaresipOptions {
  /** Account user name: the phone answers only calls to sip:<name>@127.0.0.1:<port>. */
  name: string;
  /** `auto` answers incoming calls by itself (an operator phone); `manual` waits for accept(). */
  answerMode?: 'auto' | 'manual';
  /** Seconds of silence in the audio source (a call ends when the source runs out). */
  sourceSeconds?: number;
  /** Keep the config dir and log after stop() (for debugging a failing test). */
  keepDir?: boolean;
  /**
   * A SIP proxy ("127.0.0.1:5060") the phone registers with and sends every request through, as a
   * desk phone does with its PBX: its address is then `aor` (sip:<name>@<proxy>). Without one the
   * phone neither registers nor uses a proxy, and is called at `uri`.
   */
  proxy?: string;
  /** Digest credentials the phone answers a 401/407 with (RFC 2617 MD5: baresip 1.0 knows no other). */
  auth?: { user: string; password: string };
  /**
   * SRTP with SDES keys (baresip's `srtp` module, libre's SRTP): `srtp-mand` offers RTP/SAVP with
   * a=crypto lines (AES_CM_128_HMAC_SHA1_32/_80, AEAD_AES_128/256_GCM) and refuses a call without
   * SRTP; `srtp` offers it best-effort. Unset: plain RTP.
   */
  mediaenc?: 'srtp' | 'srtp-mand';
  /**
   * Records every call's audio (baresip's `sndfile` module): what the phone heard (decoded, as its
   * speaker would play it) and what it sent, as 8 kHz 16-bit WAV files; see `recording()`.
   */
  record?: boolean;
}

/** An event as ctrl_tcp reports it, e.g. `{ type: 'CALL_ESTABLISHED', peeruri, id, ... }`. */
export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
  [key: string]: unknown;
}

export interface CommandResponse {
  ok: boolean;
  data: string;
}

interface Waiter {
  match: (e: BaresipEvent) => boolean;
  resolve: (e: BaresipEvent) => void;
}

const SILENCE_CACHE = path.join(os.tmpdir(), 'ivr-baresip-silence');

export class BaresipPhone extends EventEmitter<{ event: [BaresipEvent] }> {
  /** Every event seen so far, in order (waitForEvent also looks back here). */
  readonly events: BaresipEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly pending = new Map<string, (r: CommandResponse) => void>();
  private nextToken = 1;
  private buffer = Buffer.alloc(0);
  private exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly proxy: string | undefined,
    readonly sipPort: number,
    readonly ctrlPort: number,
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly ctrl: net.Socket,
    private readonly keepDir: boolean,
  ) {
    super();
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    ctrl.on('data', (chunk) => this.onData(chunk));
    ctrl.on('error', () => {});
  }

  /** The phone's own address: calls to it are answered (others get 404). */
  get uri(): string {
    return `sip:${this.name}@127.0.0.1:${this.sipPort}`;
  }

  /** Its address at the proxy it registered with (`proxy` option); the phone's own `uri` without one. */
  get aor(): string {
    return this.proxy ? `sip:${this.name}@${this.proxy}` : this.uri;
  }

  /** The baresip log (stdout and stderr), for assertion messages. */
  log(): string {
    return fs.readFileSync(path.join(this.dir, 'baresip.log'), 'utf8');
  }

  static async start(opts: BaresipOptions): Promise<BaresipPhone> {
    // Free ports are found by binding and closing, so another process (or our own second lookup) can
    // take one before baresip binds it: baresip then exits with EADDRINUSE (98). Try again with others.
    for (let attempt = 1; ; attempt++) {
      try {
        return await BaresipPhone.startOnce(opts);
      } catch (err) {
        if (attempt >= 5 || !String((err as Error).message).includes(`exited with ${EADDRINUSE}`)) throw err;
      }
    }
  }

  private static async startOnce(opts: BaresipOptions): Promise<BaresipPhone> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `baresip-${opts.name}-`));
    // baresip also listens for SIP over TLS on the SIP port + 1.
    const sipPort = await freePort(2);
    const ctrlPort = await freePort();
    const source = silentWav(opts.sourceSeconds ?? 600);
    const modules = [...(opts.mediaenc ? ['srtp.so'] : []), ...(opts.record ? ['sndfile.so'] : [])];
    if (opts.record) fs.mkdirSync(path.join(dir, 'recordings'));
    const extra = opts.record ? [`snd_path ${path.join(dir, 'recordings')}`] : [];
    fs.writeFileSync(path.join(dir, 'config'), config(sipPort, ctrlPort, source, modules, extra));
    const answermode = opts.answerMode === 'auto' ? ';answermode=auto' : '';
    const account = opts.proxy
      ? `<sip:${opts.name}@${opts.proxy}>;regint=60;outbound="sip:${opts.proxy};lr"`
      : `<sip:${opts.name}@127.0.0.1:${sipPort}>;regint=0`;
    const auth = opts.auth ? `;auth_user=${opts.auth.user};auth_pass=${opts.auth.password}` : '';
    const mediaenc = opts.mediaenc ? `;mediaenc=${opts.mediaenc}` : '';
    fs.writeFileSync(path.join(dir, 'accounts'), `${account}${auth}${mediaenc}${answermode}\n`);
    const logFd = fs.openSync(path.join(dir, 'baresip.log'), 'w');
    const child = spawn('baresip', ['-f', dir], { stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    const ctrl = await connectWithRetry(ctrlPort, child);
    return new BaresipPhone(opts.name, opts.proxy, sipPort, ctrlPort, dir, child, ctrl, opts.keepDir ?? false);
  }

  /** Runs a ctrl_tcp command (`dial`, `accept`, `hangup`, `sndcode`, `listcalls`, `quit`, ...). */
  command(command: string, params = ''): Promise<CommandResponse> {
    const token = String(this.nextToken++);
    const json = JSON.stringify({ command, params, token });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip ${this.name}: no response to ${command}`));
      }, 5000);
      this.pending.set(token, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ctrl.write(`${Buffer.byteLength(json)}:${json},`);
    });
  }

  /** Calls a URI (baresip 1.0 takes only a URI: data must ride in the user part or URI params). */
  async dial(uri: string): Promise<void> {
    await this.expectOk('dial', uri);
  }

  /**
   * Resolves once the phone's registration with its `proxy` is answered 200 (reginfo says OK). Polled:
   * the first REGISTER can be answered before the control connection is up, so its event is missed.
   */
  async registered(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const data = (await this.command('reginfo')).data.replace(/\[[0-9;]*m/g, ''); // colour codes
      if (/\bOK\b/.test(data)) return;
      if (Date.now() > until) throw new Error(`baresip ${this.name}: not registered: ${data.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Blind transfer of the current call (REFER with `uri` in Refer-To), as an operator presses transfer. */
  async transfer(uri: string): Promise<void> {
    await this.expectOk('transfer', uri);
  }

  async accept(): Promise<void> {
    await this.expectOk('accept');
  }

  async hangup(): Promise<void> {
    await this.expectOk('hangup');
  }

  /**
   * Sends digits as RFC 4733 events, one `sndcode` per digit. baresip queues them and spaces
   * them itself (9 × ptime tone, at least 3 × ptime gap); `gapMs` waits between commands.
   */
  async sendDigits(digits: string, gapMs = 0): Promise<void> {
    for (const digit of digits) {
      await this.expectOk('sndcode', digit);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /**
   * Keys digits as in-band DTMF in the audio, as a phone or trunk without RFC 4733 does: the phone's
   * audio source becomes a WAV of the tone pairs (100 ms each, 100 ms apart, then two minutes of
   * silence so the call goes on), through baresip's `ausrc` command. baresip 1.0 cannot send in-band
   * DTMF itself, nor leave telephone-event out of its offer (a proxy strips it: Kamailio's
   * `stripTelephoneEvent`).
   */
  async sendTones(digits: string): Promise<void> {
    await this.sendAudio(keySequence(digits, 100, 100));
  }

  /**
   * Plays 8 kHz samples (16-bit range) into the call from now on, then two minutes of silence (the
   * call goes on): the phone's audio source becomes a WAV of them, through baresip's `ausrc`.
   */
  async sendAudio(samples: Float64Array): Promise<void> {
    const file = path.join(this.dir, `audio-${this.nextToken}.wav`);
    fs.writeFileSync(file, wav(concat([samples, silence(120_000)])));
    await this.expectOk('ausrc', `aufile,${file}`);
  }

  /**
   * A call's recorded audio (`record` option): what the phone heard (`heard`, decoded) or sent, of its
   * `nth` call counting from the latest (0), as 16-bit samples. Files are complete once the call ended.
   */
  recording(what: 'heard' | 'sent', nth = 0): Int16Array {
    const dir = path.join(this.dir, 'recordings');
    const suffix = what === 'heard' ? '-dec.wav' : '-enc.wav';
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .sort();
    const file = files[files.length - 1 - nth];
    if (!file) throw new Error(`baresip ${this.name}: no recording of call ${nth} (${files.length} recorded)`);
    return readWav(path.join(dir, file));
  }

  /**
   * Resolves with the first event (already seen or future) that matches `type` and `filter`.
   * `since` skips events before that index of `events` (e.g. a previous call's CALL_CLOSED).
   */
  waitForEvent(
    type: string,
    opts: { timeoutMs?: number; since?: number; filter?: (e: BaresipEvent) => boolean } = {},
  ): Promise<BaresipEvent> {
    const match = (e: BaresipEvent) => e.type === type && (opts.filter?.(e) ?? true);
    const seen = this.events.slice(opts.since ?? 0).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const types = this.events.map((e) => e.type).join(', ');
        reject(new Error(`baresip ${this.name}: no ${type} event (seen: ${types || 'none'})`));
      }, opts.timeoutMs ?? 10_000);
      this.waiters.add(waiter);
    });
  }

  /** Quits baresip (kills it if it does not exit) and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.command('quit').catch(() => {});
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(killer);
    }
    this.ctrl.destroy();
    if (!this.keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async expectOk(command: string, params = ''): Promise<void> {
    const r = await this.command(command, params);
    if (!r.ok) throw new Error(`baresip ${this.name}: ${command} ${params} failed: ${r.data}`);
  }

  /** Netstring framing: `<len>:<json>,` repeated. */
  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + len + 1) return;
      const json = this.buffer.subarray(colon + 1, colon + 1 + len).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 2 + len);
      this.onJson(JSON.parse(json) as Record<string, unknown>);
    }
  }

  private onJson(msg: Record<string, unknown>): void {
    if (msg.response === true) {
      const token = String(msg.token ?? '');
      this.pending.get(token)?.({ ok: msg.ok === true, data: String(msg.data ?? '') });
      this.pending.delete(token);
      return;
    }
    if (msg.event === true) {
      const event = msg as BaresipEvent;
      this.events.push(event);
      this.emit('event', event);
      for (const w of [...this.waiters]) {
        if (w.match(event)) {
          this.waiters.delete(w);
          w.resolve(event);
        }
      }
    }
  }
}

function config(
  sipPort: number,
  ctrlPort: number,
  source: string,
  modules: string[] = [],
  extra: string[] = [],
): string {
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${sipPort}`,
    'net_interface 127.0.0.1',
    'audio_player aubridge,nil',
    `audio_source aufile,${source}`,
    'audio_alert aubridge,nil',
    'audio_srate 8000',
    'audio_channels 1',
    'rtp_timeout 0',
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module aufile.so',
    'module aubridge.so',
    ...modules.map((m) => `module ${m}`),
    ...extra,
    'module_app account.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    '',
  ].join('\n');
}

/** A mono 16-bit 8 kHz WAV of silence, written once per length and shared by every phone. */
export function silentWav(seconds: number): string {
  const file = `${SILENCE_CACHE}-${seconds}s.wav`;
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, wav(new Float64Array(seconds * 8000)));
  fs.renameSync(tmp, file);
  return file;
}

/** Mono 16-bit 8 kHz WAV of samples in the 16-bit range (clipped). */
function wav(samples: Float64Array): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(8000, 24);
  out.writeUInt32LE(16000, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(dataBytes, 40);
  samples.forEach((v, i) => {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v))), 44 + i * 2);
  });
  return out;
}

/** The samples of a 16-bit PCM WAV file (its `data` chunk, wherever it is). */
export function readWav(file: string): Int16Array {
  const buf = fs.readFileSync(file);
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'data') {
      const bytes = Math.min(size, buf.length - at - 8) & ~1;
      const out = new Int16Array(bytes / 2);
      for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(at + 8 + i * 2);
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Linux errno for 'address already in use': baresip's exit code when it cannot bind. */
const EADDRINUSE = 98;

async function connectWithRetry(port: number, child: ChildProcess): Promise<net.Socket> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`baresip exited with ${child.exitCode}`);
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket) return socket;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('baresip ctrl_tcp did not come up');
}
