// The raw SIP ceiling of this machine, printed beside the call figures of the same run: SIPp's
// built-in `uac` scenario (INVITE, 200, ACK, BYE, 200; no media) against its built-in `uas`, as
// fast as they go with at most 50 calls open (more only loses UDP datagrams on two cores). Whatever
// the IVR does per call comes on top of this.
import { spawn } from 'node:child_process';
import { freePort } from '@ivr/testkit/ports';

export interface SipCeiling {
  calls: number;
  /** Calls set up and torn down per second, uac against uas. */
  callsPerS: number;
  /** SIPp's exit status said every call succeeded. */
  allSucceeded: boolean;
}

const waitExit = (child: ReturnType<typeof spawn>) =>
  new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });

export async function sipCeiling(calls = 10_000, maxRatePerS = 10_000): Promise<SipCeiling> {
  const uasPort = await freePort();
  const common = (port: number) => ['-i', '127.0.0.1', '-p', String(port), '-nostdin'];
  const uas = spawn('sipp', ['-sn', 'uas', ...common(uasPort), '-cp', String(await freePort())], {
    stdio: 'ignore',
  });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    // biome-ignore format: one option and its value per line
    const uac = spawn('sipp', [
      `127.0.0.1:${uasPort}`,
      '-sn', 'uac',
      ...common(await freePort()),
      '-cp', String(await freePort()),
      '-m', String(calls),
      '-r', String(maxRatePerS), '-rp', '1000',
      '-l', '50',
      '-timeout', '60s',
    ], { stdio: 'ignore' });
    const code = await waitExit(uac);
    const seconds = (performance.now() - started) / 1000;
    return { calls, callsPerS: calls / seconds, allSucceeded: code === 0 };
  } finally {
    uas.kill('SIGTERM');
    await waitExit(uas).catch(() => null);
  }
}
