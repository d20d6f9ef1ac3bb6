// The call centre's SIP proxy for tests: a Kamailio of the test's own (scripts/kamailio.sh with the
// project's routing script infra/kamailio/kamailio.cfg), on ports of the test port allocator, with
// its pid file, control socket and log in a temporary folder. docs/telephony.md describes the routing.
//
//   const proxy = await Kamailio.start({ ivrUri: `sip:127.0.0.1:${system.sipPort}` });
//   const phone = await BaresipPhone.start({ name: 'operator', proxy: proxy.address });
//   await phone.registered();
//   await proxy.stop();
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';
import { ROOT } from './root';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts', 'kamailio.sh');

export interface KamailioOptions {
  /**
   * call-control's address, e.g. `sip:127.0.0.1:5070` (`;transport=tcp` to reach it over TCP); several:
   * its replicas, new calls round robin over those answering the proxy's OPTIONS pings (dispatcher).
   */
  ivrUri?: string | string[];
  /** Request-URI users routed to the IVR (a regular expression); default transfer codes and `ivr`. */
  ivrUsers?: string;
  /** Every Request-URI at this domain goes to the IVR. */
  ivrDomain?: string;
  /** The proxy refuses REFER with this status instead of relaying it. */
  refuseRefer?: 403 | 405;
  /**
   * Removes telephone-event from the SDP offers it relays to the IVR, as an SBC or trunk that carries
   * DTMF only in the audio: the IVR then gets offers without RFC 4733 (issue 17, item 4).
   */
  stripTelephoneEvent?: boolean;
  /**
   * Registrations survive `restart()` and `down()`/`up()`, as a PBX keeps its location table (db_text
   * files in the proxy's folder, written when it stops): phones need not register again after it.
   */
  keepRegistrations?: boolean;
  /** Listen for SIP over TLS too (certificate `kamailio.crt` of scripts/certs.sh). */
  tls?: boolean;
  /** 3 logs every request (default 2: one line per routed call). */
  logLevel?: number;
  /** Keep the folder (log) after stop(), for debugging a failing test. */
  keepDir?: boolean;
}

export class Kamailio {
  private constructor(
    readonly port: number,
    readonly tlsPort: number | undefined,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly keepDir: boolean,
  ) {}

  /** `127.0.0.1:<port>`: the proxy phones register with, UDP and TCP. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(opts: KamailioOptions = {}): Promise<Kamailio> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamailio-'));
    const port = await freePort();
    const tlsPort = opts.tls ? await freePort() : undefined;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAMAILIO_DIR: dir,
      KAMAILIO_PORT: String(port),
      KAMAILIO_LOG_LEVEL: String(opts.logLevel ?? 2),
      ...(tlsPort ? { KAMAILIO_TLS_PORT: String(tlsPort) } : {}),
      ...(opts.ivrUri ? { KAMAILIO_IVR_URI: [opts.ivrUri].flat().join(' ') } : {}),
      ...(opts.ivrUsers ? { KAMAILIO_IVR_USERS: opts.ivrUsers } : {}),
      ...(opts.ivrDomain ? { KAMAILIO_IVR_DOMAIN: opts.ivrDomain } : {}),
      ...(opts.refuseRefer ? { KAMAILIO_REFUSE_REFER: String(opts.refuseRefer) } : {}),
      ...(opts.stripTelephoneEvent ? { KAMAILIO_STRIP_TELEPHONE_EVENT: '1' } : {}),
      ...(opts.keepRegistrations ? { KAMAILIO_KEEP_REGISTRATIONS: '1' } : {}),
    };
    const proxy = new Kamailio(port, tlsPort, dir, env, opts.keepDir ?? false);
    try {
      await proxy.script('start');
    } catch (err) {
      await proxy.stop();
      throw err;
    }
    return proxy;
  }

  /** The registrations usrloc holds (`kamcmd ul.dump brief`), as text. */
  registrations(): Promise<string> {
    return this.script('registrations');
  }

  /** One of Kamailio's statistics, e.g. `core:rcv_requests_bye` (requests of a method it received). */
  async stat(name: string): Promise<number> {
    const out = await this.script('ctl', 'stats.get_statistics', `${name.split(':')[0]}:`);
    const value = out
      .split('\n')
      .map((line) => line.trim().split(' = '))
      .find(([key]) => key === name)?.[1];
    if (value === undefined) throw new Error(`no statistic ${name} in: ${out}`);
    return Number(value);
  }

  /**
   * Stops Kamailio and starts it again on the same ports (a proxy restarting mid-call): dialogs keep
   * working through it (their route sets are in the messages); registrations are gone until the
   * phones register again, unless it was started with `keepRegistrations`.
   */
  async restart(): Promise<void> {
    await this.script('stop');
    await this.script('start');
  }

  /** Kamailio's log so far, for assertion messages. */
  log(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'kamailio.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the proxy and keeps its ports and folder, for `up()` (a PBX restart; see `restart()` on registrations). */
  async down(): Promise<void> {
    await this.script('stop');
  }

  /** Starts it again after `down()`, on the same ports with the same settings. */
  async up(): Promise<void> {
    await this.script('start');
  }

  async stop(): Promise<void> {
    await this.script('stop').catch(() => '');
    if (!this.keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async script(...args: string[]): Promise<string> {
    const command = args.join(' ');
    try {
      const { stdout } = await run(SCRIPT, args, { env: this.env, timeout: 40_000 });
      return stdout;
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`scripts/kamailio.sh ${command}: ${e.stderr?.trim() || e.message}`);
    }
  }
}
