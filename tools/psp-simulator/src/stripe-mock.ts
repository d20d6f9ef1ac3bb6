import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The version scripts/stripe-mock.sh installs (keep the two in step). */
export const STRIPE_MOCK_VERSION = 'v0.203.0';

/** stripe-mock's canned objects by resource name (`payment_intent`, `setup_intent`, ...). */
export type StripeMockFixtures = Record<string, Record<string, unknown>>;

export interface StripeMock {
  url: string;
  /**
   * The same mock over HTTPS (`https://localhost:<port>`) and the PEM of its self-signed certificate
   * (CN=localhost, bundled in stripe-mock) to trust it with; only for a private instance or when
   * STRIPE_MOCK_HTTPS_URL names the shared one's.
   */
  https?: { url: string; ca: string };
  close(): Promise<void>;
}

/**
 * stripe-mock for a test: the one at STRIPE_MOCK_URL when set (e.g. the one `make up-psp` runs on
 * 12112), else a private instance on a free port from the binary `scripts/stripe-mock.sh install`
 * built into $GOPATH/bin. Fails with a clear message when neither exists.
 *
 * `patchFixtures` edits stripe-mock's bundled fixtures (from the module cache) before it starts, e.g.
 * to make its canned PaymentIntent `requires_capture` so that a whole flow can run against it.
 */
export async function startStripeMock(
  options: { patchFixtures?: (fixtures: StripeMockFixtures) => void; https?: boolean } = {},
): Promise<StripeMock> {
  const gopath = process.env.GOPATH ?? join(homedir(), 'go');
  const shared = process.env.STRIPE_MOCK_URL;
  const sharedHttps = process.env.STRIPE_MOCK_HTTPS_URL;
  if (shared && !options.patchFixtures && (!options.https || sharedHttps))
    return {
      url: shared,
      ...(sharedHttps ? { https: { url: sharedHttps, ca: stripeMockCertificate(gopath) } } : {}),
      close: async () => {},
    };
  const bin = join(gopath, 'bin', 'stripe-mock');
  if (!existsSync(bin)) throw new Error(`stripe-mock is not installed at ${bin}: run scripts/stripe-mock.sh install`);
  const port = await freePort();
  const httpsPort = await freePort();
  // Both addresses explicit: given one only, stripe-mock may still take its default for the other.
  const args = ['-http-addr', `127.0.0.1:${port}`, '-https-addr', `127.0.0.1:${httpsPort}`];
  if (options.patchFixtures) args.push('-fixtures', patchedFixtures(gopath, options.patchFixtures));
  const child = spawn(bin, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  await waitForPort(port, child, () => stderr);
  await waitForPort(httpsPort, child, () => stderr);
  return {
    url: `http://127.0.0.1:${port}`,
    https: { url: `https://localhost:${httpsPort}`, ca: stripeMockCertificate(gopath) },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`stripe-mock exited with code ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`stripe-mock did not open port ${port} within 10 s`);
}

/** stripe-mock's bundled self-signed certificate (CN=localhost), from the module cache. */
function stripeMockCertificate(gopath: string): string {
  return readFileSync(moduleFile(gopath, 'embedded', 'cert', 'cert.pem'), 'utf8');
}

function moduleFile(gopath: string, ...parts: string[]): string {
  const file = join(gopath, 'pkg', 'mod', 'github.com', 'stripe', `stripe-mock@${STRIPE_MOCK_VERSION}`, ...parts);
  if (!existsSync(file)) throw new Error(`${file} not found: run scripts/stripe-mock.sh install`);
  return file;
}

function patchedFixtures(gopath: string, patch: (fixtures: StripeMockFixtures) => void): string {
  const source = moduleFile(gopath, 'embedded', 'openapi', 'fixtures3.json');
  const document = JSON.parse(readFileSync(source, 'utf8')) as { resources: StripeMockFixtures };
  patch(document.resources);
  const file = join(mkdtempSync(join(tmpdir(), 'stripe-mock-')), 'fixtures.json');
  writeFileSync(file, JSON.stringify(document));
  return file;
}
