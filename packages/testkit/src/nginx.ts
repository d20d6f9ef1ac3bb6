// A TLS-terminating reverse proxy in front of order-link, as the chart's ingress is: an nginx of the
// test's own (scripts/nginx.sh with infra/nginx/console-proxy.conf) on a port of the test port
// allocator, its configuration, pid file and logs in a temporary folder, its certificate from
// scripts/certs.sh (CN nginx, SAN 127.0.0.1, signed by the local CA of IVR_CERTS_DIR).
//
//   const proxy = await Nginx.start({ upstream: `127.0.0.1:${httpPort}` });
//   await page.goto(`${proxy.origin}/console/`);   // Chromium: launch with proxy.chromiumArgs()
//   await proxy.stop();
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { certsDir } from './certificates';
import { freePort } from './ports';
import { ROOT } from './root';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'scripts', 'nginx.sh');

export interface NginxOptions {
  /** order-link's HTTP address, `127.0.0.1:<port>`. */
  upstream: string;
  /** Keep the folder (logs) after stop(), for debugging a failing test. */
  keepDir?: boolean;
}

export class Nginx {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly keepDir: boolean,
  ) {}

  /** `https://127.0.0.1:<port>`: what the browser sees as the console's origin. */
  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** The local CA that signed the proxy's certificate (PEM), for Node clients. */
  get ca(): Buffer {
    return fs.readFileSync(path.join(certsDir(), 'ca.crt'));
  }

  /**
   * Chromium flags that make it trust this proxy's certificate (and only it) as if a CA it knows had
   * signed it: the page is a secure context, Secure cookies and HSTS behave as in production.
   */
  chromiumArgs(): string[] {
    const cert = new X509Certificate(fs.readFileSync(path.join(certsDir(), 'nginx.crt')));
    const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
    return [`--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`];
  }

  static async start(opts: NginxOptions): Promise<Nginx> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-'));
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NGINX_DIR: dir,
      NGINX_PORT: String(port),
      NGINX_UPSTREAM: opts.upstream,
    };
    const proxy = new Nginx(port, dir, env, opts.keepDir ?? false);
    try {
      await proxy.script('start');
    } catch (err) {
      await proxy.stop();
      throw err;
    }
    return proxy;
  }

  /** The proxy's access and error logs so far, for assertion messages. */
  log(): string {
    const read = (f: string) => {
      try {
        return fs.readFileSync(path.join(this.dir, f), 'utf8');
      } catch {
        return '';
      }
    };
    return `${read('access.log')}${read('error.log')}`;
  }

  async stop(): Promise<void> {
    await this.script('stop').catch(() => '');
    if (!this.keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async script(command: string): Promise<string> {
    try {
      const { stdout } = await run(SCRIPT, [command], { env: this.env, timeout: 30_000 });
      return stdout;
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`scripts/nginx.sh ${command}: ${e.stderr?.trim() || e.message}`);
    }
  }
}
