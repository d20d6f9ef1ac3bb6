/**
 * Issues an order system's API key straight into order-link's database, as the operator's CLI does
 * (src/cli/api-key.ts). Exported as `@ivr/order-link/api-keys` for test harnesses and tools that start
 * order-link as a process and need a key for its REST API (@ivr/testkit's PaymentSystem, the e2e tests).
 */
import type { Pool } from 'pg';
import { ApiKeyRepository } from './adapters/pg/api-keys';
import { ApiKeysApp, type NewApiKey } from './app/api-keys-app';
import { DB_SCHEMA } from './config';
import { cryptoRandom, systemClock } from './wiring';

export type { NewApiKey };

export interface ApiKeyRequest {
  orderSystem: string;
  name: string;
  scopes: string[];
  createdBy: string;
}

/** Needs order-link's schema migrated (order-link has started once). */
export function issueApiKey(pool: Pool, r: ApiKeyRequest, schema = DB_SCHEMA): Promise<NewApiKey> {
  const keys = new ApiKeysApp(new ApiKeyRepository(pool, schema), systemClock, cryptoRandom);
  return keys.issue(r.orderSystem, r.name, r.scopes, r.createdBy);
}
