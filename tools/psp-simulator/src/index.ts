import type { AddressInfo } from 'node:net';
import { createSimulatorApp } from './app';
import type { SimulatorContext } from './context';
import { FaultInjector } from './faults';
import { IdempotencyStore } from './idempotency';
import { SimulatorStore } from './store';

export type { FaultMode, FaultRule } from './faults';
export type { ChargeRecord } from './store';

export interface PspSimulatorOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Where request log lines go; silent when absent. */
  log?: (line: Record<string, unknown>) => void;
}

export interface PspSimulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (the API is under /v1, the test controls under /_sim). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the simulator in this process; for tests of other services (`startPspSimulator({ port: 0 })`). */
export async function startPspSimulator(options: PspSimulatorOptions = {}): Promise<PspSimulator> {
  const ctx: SimulatorContext = {
    store: new SimulatorStore(),
    idempotency: new IdempotencyStore(),
    faults: new FaultInjector(),
    log: options.log ?? (() => {}),
  };
  const app = createSimulatorApp(ctx);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Held "timeout" answers and keep-alive sockets would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}

export { STRIPE_MOCK_VERSION, type StripeMock, type StripeMockFixtures, startStripeMock } from './stripe-mock';
