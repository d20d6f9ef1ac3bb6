import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TSX = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const FIXTURE = join(__dirname, 'fixtures', 'tiny-service.ts');

type Line = Record<string, unknown> & { msg?: string; level?: string };

/** The tiny service in its own process, with its JSON log lines collected as they arrive. */
function startTiny(env: Record<string, string>) {
  const child: ChildProcess = spawn(TSX, [FIXTURE], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let raw = '';
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    raw += chunk;
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Line);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    raw += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited, output: () => raw };
}

/** Polls until probe gives a value; generous, because a child under tsx starts slowly on a busy machine. */
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const giveUpAt = Date.now() + 45_000;
  while (Date.now() < giveUpAt) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function adminPortOf(lines: Line[]): Promise<number> {
  return until('admin port', () => lines.find((l) => typeof l.admin_port === 'number')?.admin_port as number);
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('runService in a child process', () => {
  it('serves health and readiness, drains on SIGTERM and stops hooks in reverse order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivr-runtime-'));
    const startGate = join(dir, 'start');
    const stopGate = join(dir, 'stop');
    const tiny = startTiny({ START_GATE: startGate, STOP_GATE: stopGate });
    try {
      const port = await adminPortOf(tiny.lines);
      expect(await get(port, '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}' });
      expect(await get(port, '/readyz')).toEqual({ status: 503, body: '{"status":"starting"}' });

      writeFileSync(startGate, '');
      const ready = await until('ready', async () => {
        const r = await get(port, '/readyz');
        return r.status === 200 ? r : undefined;
      });
      expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { always: 'ok' } });
      const metrics = await get(port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('target_info');
      expect((await get(port, '/nope')).status).toBe(404);

      tiny.child.kill('SIGTERM');
      // The first hook waits on the stop gate, so the admin server is still up and draining.
      const draining = await until('draining', async () => {
        const r = await get(port, '/readyz');
        return r.status === 503 ? r : undefined;
      });
      expect(draining.body).toBe('{"status":"draining"}');
      expect((await get(port, '/healthz')).status).toBe(200);
      writeFileSync(stopGate, '');

      expect(await tiny.exited).toBe(0);
      const messages = tiny.lines.map((l) => l.msg);
      const order = ['stopping http', 'hook http ran', 'stopping kafka', 'hook kafka ran', 'stopping database'];
      expect(messages.filter((m) => order.includes(m ?? ''))).toEqual(order);
      expect(messages).toContain('stopping (SIGTERM); readyz now answers 503');
      expect(messages.at(-1)).toBe('stopped');
      expect(tiny.lines.every((l) => l.service === 'tiny')).toBe(true);
      // The logger takes trace and span ids from the span active at the call, across an await.
      const inSpan = tiny.lines.find((l) => l.msg === 'inside a span');
      expect(inSpan?.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(inSpan?.trace_id).toBe(inSpan?.expected_trace_id);
      expect(inSpan?.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(tiny.lines.find((l) => l.msg === 'stopped')?.trace_id).toBeUndefined();
    } finally {
      tiny.child.kill('SIGKILL');
    }
  });

  it('retries a failing start a bounded number of times with one line each, then exits 1', async () => {
    const tiny = startTiny({ FAIL_START: String(await closedPort()) });
    expect(await tiny.exited).toBe(1);
    const failures = tiny.lines.filter((l) => l.level === 'warn' || l.level === 'fatal').map((l) => l.msg);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/^start-up failed: connect ECONNREFUSED 127\.0\.0\.1:\d+; retry 1\/2 in \d+ ms$/);
    expect(failures[1]).toMatch(/retry 2\/2 in \d+ ms$/);
    // 10 ms doubling (startRetryDelayMs), each wait jittered to between half and all of it.
    const waits = failures.slice(0, 2).map((m) => Number(/in (\d+) ms$/.exec(m ?? '')?.[1]));
    expect(waits[0]).toBeGreaterThanOrEqual(5);
    expect(waits[0]).toBeLessThanOrEqual(10);
    expect(waits[1]).toBeGreaterThanOrEqual(10);
    expect(waits[1]).toBeLessThanOrEqual(20);
    expect(failures[2]).toMatch(/^start-up failed after 3 attempts: connect ECONNREFUSED .*; exiting$/);
    // One clear line per attempt, no stack traces.
    expect(tiny.output()).not.toMatch(/\n\s+at /);
    expect(tiny.lines.some((l) => 'stack' in l || 'err' in l)).toBe(false);
  });

  it('logs an unhandled rejection with card numbers masked and exits 1', async () => {
    const tiny = startTiny({ CRASH: '1' });
    expect(await tiny.exited).toBe(1);
    const fatal = tiny.lines.find((l) => l.level === 'fatal');
    expect(fatal?.msg).toBe('unhandled promise rejection: declined card [PAN REDACTED]; exiting');
    expect(tiny.output()).not.toContain('4242424242424242');
  });
});
