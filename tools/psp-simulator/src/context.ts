import type { FaultInjector } from './faults';
import type { IdempotencyStore, StoredAnswer } from './idempotency';
import type { FormParams } from './params';
import type { SimulatorStore } from './store';

export interface SimulatorContext {
  store: SimulatorStore;
  idempotency: IdempotencyStore;
  faults: FaultInjector;
  /** One JSON line per request: method, path, status, time. Never a body. */
  log: (line: Record<string, unknown>) => void;
}

/** What a Stripe endpoint handler sees: parsed parameters, never the raw HTTP request. */
export interface StripeRequest {
  params: FormParams;
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  idempotencyKey: string | null;
}

export type StripeHandler = (ctx: SimulatorContext, req: StripeRequest) => StoredAnswer;

export const ok = (body: unknown): StoredAnswer => ({ status: 200, body });
