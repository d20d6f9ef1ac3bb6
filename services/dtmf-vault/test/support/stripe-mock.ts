// Starts Stripe's own stripe-mock (built from the Go module proxy by scripts/stripe-mock.sh install)
// on free ports for one test file, and stops it afterwards.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pause } from './rtp-peer';

function stripeMockBinary(): string {
  let gopath = path.join(process.env.HOME ?? '/root', 'go');
  try {
    gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim() || gopath;
  } catch {
    // go not on PATH: fall back to the default GOPATH
  }
  const binary = path.join(gopath, 'bin', 'stripe-mock');
  if (!existsSync(binary))
    throw new Error(`stripe-mock is not built: run scripts/stripe-mock.sh install (looked for ${binary})`);
  return binary;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startStripeMock(): Promise<{ url: string; stop: () => void }> {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    stripeMockBinary(),
    ['-http-addr', `127.0.0.1:${httpPort}`, '-https-addr', `127.0.0.1:${httpsPort}`],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 300 && !(await portOpen(httpPort)); i++) await pause(50);
  return { url: `http://127.0.0.1:${httpPort}`, stop: () => child.kill('SIGTERM') };
}
