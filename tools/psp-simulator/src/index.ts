import { createSimulatorApp } from './app';
import type { SimulatorContext } from './context';
import { FaultInjector } from './faults';
import { IdempotencyStore } from './idempotency';
import { serveSimulator } from './serve';
import { SimulatorStore } from './store';

// The fault injection and card brands are shared with the GMO-PG simulator (tools/gmo-pg-simulator).
export { FaultInjector, type FaultMode, type FaultRule, faultParser, type ParsedFault } from './faults';
export { type ServedSimulator, type SimulatorTls, serveSimulator } from './serve';
export type { ChargeRecord, LedgerSummary as StripeLedgerSummary } from './store';
export {
  brandOf,
  type CardBrand,
  type CardOutcome as StripeCardOutcome,
  outcomeOf as stripeOutcomeOf,
} from './test-cards';
export { createTestCardToken, type TestCardToken } from './test-client';

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
  return serveSimulator(createSimulatorApp(ctx), options.port ?? 0, options.host ?? '127.0.0.1');
}

export { STRIPE_MOCK_VERSION, type StripeMock, type StripeMockFixtures, startStripeMock } from './stripe-mock';
