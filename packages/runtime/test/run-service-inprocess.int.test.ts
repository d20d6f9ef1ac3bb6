import type { AddressInfo } from 'node:net';
import { type RunningService, runService, type ServiceMigrations, serveHttp } from '@ivr/runtime';

async function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('runService in this process', () => {
  const exits: number[] = [];
  const base = {
    service: 'inproc',
    adminPort: 0,
    adminHost: '127.0.0.1',
    installProcessHandlers: false,
    exit: (code: number) => void exits.push(code),
  };
  let running: RunningService | undefined;
  afterEach(async () => {
    await running?.stop('test over');
    running = undefined;
    exits.splice(0);
  });

  it('reports failing readiness checks and manual draining', async () => {
    let databaseUp = true;
    let setDraining: (draining: boolean) => void = () => {};
    running = await runService({
      ...base,
      start(ctx) {
        ctx.addReadinessCheck('database', () => databaseUp);
        ctx.addReadinessCheck('kafka', () => {
          throw new Error('broker 127.0.0.1:59092 unreachable');
        });
        setDraining = ctx.setDraining;
      },
    });
    expect(await get(running.adminPort, '/readyz')).toEqual({
      status: 503,
      body: { status: 'not ready', checks: { database: 'ok', kafka: 'failing: broker 127.0.0.1:59092 unreachable' } },
    });
    databaseUp = false;
    expect((await get(running.adminPort, '/readyz')).body).toMatchObject({ checks: { database: 'failing' } });
    setDraining(true);
    expect(await get(running.adminPort, '/readyz')).toEqual({ status: 503, body: { status: 'draining' } });
  });

  it('moves on from a hook that does not stop in time and reports exit code 1', async () => {
    const ran: string[] = [];
    running = await runService({
      ...base,
      hookTimeoutMs: 50,
      start(ctx) {
        ctx.onStop('quick', () => void ran.push('quick'));
        ctx.onStop('stuck', () => new Promise(() => {}));
        ctx.onStop('broken', () => {
          throw new Error('already closed');
        });
      },
    });
    const service = running;
    running = undefined;
    expect(await service.stop('test')).toBe(1);
    expect(ran).toEqual(['quick']);
  });

  it('a part that failed for good stops the service and exits 1', async () => {
    const stopped: string[] = [];
    let fail: (reason: string) => void = () => {};
    running = await runService({
      ...base,
      start(ctx) {
        ctx.onStop('consumer', () => void stopped.push('consumer'));
        fail = ctx.fail;
      },
    });
    expect((await get(running.adminPort, '/readyz')).status).toBe(200);
    fail('Kafka consumer payments gave up');
    fail('a second failure changes nothing');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toEqual(['consumer']);
    expect(exits).toEqual([1]);
  });

  it('does not retry a configuration error', async () => {
    let attempts = 0;
    const configError = Object.assign(new Error('invalid configuration (1 problem): PORT is required but not set'), {
      name: 'ConfigError',
    });
    await expect(
      runService({
        ...base,
        startRetryDelayMs: 1,
        start() {
          attempts++;
          throw configError;
        },
      }),
    ).rejects.toBe(configError);
    expect(attempts).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('stops what a failed attempt registered before trying again', async () => {
    const events: string[] = [];
    running = await runService({
      ...base,
      startRetryDelayMs: 1,
      start(ctx) {
        const attempt = events.filter((e) => e.startsWith('start')).length + 1;
        events.push(`start ${attempt}`);
        ctx.onStop(`pool ${attempt}`, () => void events.push(`stop pool ${attempt}`));
        if (attempt < 2) throw new Error('kafka not up');
      },
    });
    expect(events).toEqual(['start 1', 'stop pool 1', 'start 2']);
  });

  describe('with a database (the migrations option)', () => {
    /** A database that records what was asked of it; `failOpens` opens fail first (not up yet). */
    const database = (log: string[], failOpens = 0): ServiceMigrations<{ name: string }> => ({
      async migrateOnly(service) {
        log.push(`migrate only ${service}`);
        return 0;
      },
      async open(ctx) {
        log.push(`open for ${ctx.service}`);
        ctx.onStop('postgres', () => void log.push('close'));
        if (failOpens-- > 0) throw new Error('PostgreSQL at 127.0.0.1:1 is not reachable');
        return { name: 'db' };
      },
    });
    const argv = process.argv;
    afterEach(() => {
      process.argv = argv;
    });

    it('`main.js migrate` migrates and exits: no configuration read, nothing started', async () => {
      process.argv = [argv[0]!, 'main.js', 'migrate'];
      const log: string[] = [];
      const config = jest.fn(() => ({ adminPort: 0 }));
      const start = jest.fn();
      void runService({ ...base, config, adminPort: (c) => c.adminPort, migrations: database(log), start });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(log).toEqual(['migrate only inproc']);
      expect(exits).toEqual([0]);
      expect(config).not.toHaveBeenCalled();
      expect(start).not.toHaveBeenCalled();
    });

    it('opens (connects, checks, migrates) before each start attempt and hands start the database and configuration', async () => {
      const log: string[] = [];
      const seen: unknown[] = [];
      running = await runService({
        ...base,
        startRetryDelayMs: 1,
        config: () => ({ adminPort: 0, greeting: 'hello' }),
        adminPort: (c) => c.adminPort,
        migrations: database(log, 1),
        start(ctx) {
          seen.push({ config: ctx.config, database: ctx.database });
        },
      });
      expect(log).toEqual(['open for inproc', 'close', 'open for inproc']);
      expect(seen).toEqual([{ config: { adminPort: 0, greeting: 'hello' }, database: { name: 'db' } }]);
      const service = running;
      running = undefined;
      await service.stop('test over');
      expect(log.at(-1)).toBe('close');
    });

    it('ends with one line and exit 1 when the configuration is invalid', async () => {
      const invalid = () => {
        throw Object.assign(new Error('invalid configuration (1 problem): X is required'), { name: 'ConfigError' });
      };
      await expect(runService({ ...base, config: invalid, adminPort: 0, start: jest.fn() })).rejects.toThrow(
        'X is required',
      );
      expect(exits).toEqual([1]);
    });
  });

  it('serves HTTP with serveHttp and stops it with the service, ending an open stream when asked', async () => {
    let port = 0;
    running = await runService({
      ...base,
      async start(ctx) {
        const server = await serveHttp(
          ctx,
          'http',
          (req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            if (req.url === '/stream') res.write('open\n');
            else res.end('ok');
          },
          0,
          { endOpenConnections: true },
        );
        port = (server.address() as AddressInfo).port;
      },
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    const stream = await fetch(`http://127.0.0.1:${port}/stream`);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('open\n');
    const service = running;
    running = undefined;
    expect(await service.stop('test over')).toBe(0);
    await expect(reader.read()).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
