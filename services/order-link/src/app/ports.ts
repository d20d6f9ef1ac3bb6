import type { Actor } from '@ivr/contracts';

/** Injected so that tests control time and randomness. */
export interface Clock {
  now(): Date;
}

export interface Random {
  /** Integer in [0, max). */
  int(max: number): number;
  /** URL-safe random string of about `bytes` bytes of entropy. */
  token(bytes: number): string;
}

/** The authenticated caller of an API request. */
export interface Principal {
  actor: Actor;
  orderSystem: string;
  scopes: ReadonlySet<string>;
}

export const Scopes = {
  paymentsRead: 'payments:read',
  paymentsWrite: 'payments:write',
  apiKeysManage: 'api_keys:manage',
  webhooksManage: 'webhooks:manage',
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes];
export const ALL_SCOPES: readonly Scope[] = Object.values(Scopes);
