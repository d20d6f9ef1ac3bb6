/**
 * Runs one of the product's services as a real child process for e2e tests: the built bundle
 * (services/<name>/dist/main.js, `make build`), its dev.env, the infrastructure addresses from
 * .var/env.json, free ports unless told otherwise, output kept in .var/logs/e2e/<name>.log and spans
 * in .var/traces/<name>.jsonl (both read by the card-data scan). Every service but dtmf-vault can be
 * asked for a heap snapshot (`heapSnapshot()`, into .var/heap, also read by the scan); every one for its
 * metrics (`saveMetrics()`, into <log dir>/e2e/metrics, read by the scan as a log).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heapSnapshotFlags, incomingDir, type Snapshot, takeSnapshot, VAULT } from './heap-snapshot';
import { freePort } from './ports';
import { ROOT } from './root';

export function readDevEnv(dir: string): Record<string, string> {
  const file = join(ROOT, dir, 'dev.env');
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** Thrown from a waitUntil check to stop waiting at once (e.g. the process died). */
export class GiveUp extends Error {}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Spans to .var/traces/<name>.jsonl, unless the environment already sends them somewhere. */
function traceExport(name: string): Record<string, string> {
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_TRACES_FILE) return {};
  return { OTEL_TRACES_FILE: join(ROOT, '.var', 'traces', `${name}.jsonl`) };
}

export interface StartOptions {
  /** services/<name> or tools/<name>; default services/<name>. */
  dir?: string;
  env?: Record<string, string>;
  /** Wait for GET /readyz on ADMIN_PORT (default true). */
  waitReady?: boolean;
  /** How long to wait for it (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * One replica of several: names its log, trace and heap snapshot files (default the service's name,
   * e.g. `call-control-2`); SERVICE_NAME and everything else stay the service's.
   */
  instance?: string;
}

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private captured = '';
  /** Resolves with the exit code when the current process ends. */
  exited: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly name: string,
    private readonly dir: string,
    readonly env: Record<string, string>,
    /** This process's own name among the service's replicas (its files are named by it). */
    readonly instance: string = name,
  ) {}

  /** Starts the service with its dev.env, then `env` on top. Ports named *_PORT in `env` win. */
  static async start(name: string, options: StartOptions = {}): Promise<ServiceProcess> {
    const p = await ServiceProcess.prepare(name, options);
    await p.spawn(options.waitReady ?? true, options.readyTimeoutMs);
    return p;
  }

  /** The process's settings, not started yet (`spawn()` starts it): lets a caller track it first. */
  static async prepare(
    name: string,
    options: Pick<StartOptions, 'dir' | 'env' | 'instance'> = {},
  ): Promise<ServiceProcess> {
    const dir = options.dir ?? join('services', name);
    const env = { ...readDevEnv(dir), ADMIN_PORT: String(await freePort()), ...options.env };
    return new ServiceProcess(name, dir, env, options.instance ?? name);
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.env.ADMIN_PORT}`;
  }

  async spawn(waitReady = true, readyTimeoutMs = 30_000): Promise<void> {
    const main = join(ROOT, this.dir, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run make build`);
    const logDir = join(ROOT, '.var', 'logs', 'e2e');
    mkdirSync(logDir, { recursive: true });
    const log = createWriteStream(join(logDir, `${this.instance}.log`), { flags: 'a' });
    // The vault gets no snapshot signal: it must not be possible to make it write the card to disk.
    const snapshots = this.name === VAULT ? [] : heapSnapshotFlags(diagnosticDirFor(this.instance));
    // Telemetry starts before the service's code, as in scripts/services.sh and the image.
    const preload = join(ROOT, this.dir, 'dist', 'telemetry.js');
    const telemetry = existsSync(preload) ? ['--require', preload] : [];
    const child = spawn(process.execPath, ['--enable-source-maps', ...telemetry, ...snapshots, main], {
      cwd: join(ROOT, this.dir),
      env: { ...process.env, LOG_LEVEL: 'info', SERVICE_NAME: this.name, ...traceExport(this.instance), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const capture = (chunk: Buffer) => {
      this.captured += chunk.toString('utf8');
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    if (!waitReady) return;
    try {
      await waitUntil(
        `${this.instance} to be ready`,
        async () => {
          if (child.exitCode !== null)
            throw new GiveUp(
              `${this.instance} exited with ${child.exitCode} (log: .var/logs/e2e/${this.instance}.log)`,
            );
          return (await fetch(`${this.adminUrl}/readyz`)).ok;
        },
        readyTimeoutMs,
      );
    } catch (err) {
      // Not ready in time: end it, so that a failed start leaves no process behind holding its ports.
      await this.kill();
      throw err;
    }
  }

  /** A V8 heap snapshot and a memory dump of the running process, in .var/heap (never of the vault). */
  async heapSnapshot(): Promise<Snapshot> {
    const pid = this.child?.exitCode === null ? this.child.pid : undefined;
    if (pid === undefined) throw new Error(`${this.instance} is not running`);
    // By the service's name first: no replica of the vault is ever snapshot, whatever it is called.
    if (this.name === VAULT) throw new Error(`never snapshot ${VAULT}: it holds card data in memory by design`);
    return takeSnapshot({ pid, name: this.instance, diagnosticDir: incomingDir(this.instance) });
  }

  /**
   * What the admin port's /metrics answers now, also kept as e2e/metrics/<name>.prom in the log directory
   * the card-data scan reads (IVR_LOG_DIR, else .var/logs).
   */
  async saveMetrics(): Promise<string> {
    const answer = await fetch(`${this.adminUrl}/metrics`);
    if (!answer.ok) throw new Error(`${this.instance} answered /metrics with ${answer.status}`);
    const text = await answer.text();
    const dir = join(process.env.IVR_LOG_DIR ?? join(ROOT, '.var', 'logs'), 'e2e', 'metrics');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.instance}.prom`), text);
    return text;
  }

  /** The current process's id while it runs (benchmarks read its CPU time from /proc). */
  get pid(): number | undefined {
    return this.alive ? this.child?.pid : undefined;
  }

  /** Whether the current process is running (not exited, not killed). */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote to stdout and stderr so far (all runs). */
  output(): string {
    return this.captured;
  }

  /** SIGTERM and wait: the graceful path. Returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** kill -9: the crash path. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.stop();
    Object.assign(this.env, env);
    await this.spawn();
  }
}

/**
 * The folder a service's node writes its heap snapshot into, made before the process starts: a
 * `--diagnostic-dir` that does not exist yet was once found as a file of warnings in its place (a
 * replica's, 2026-12-06), which the next snapshot's mkdir then failed on.
 */
function diagnosticDirFor(instance: string): string {
  const dir = incomingDir(instance);
  if (existsSync(dir) && !statSync(dir).isDirectory()) rmSync(dir);
  mkdirSync(dir, { recursive: true });
  return dir;
}
