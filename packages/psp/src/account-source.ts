import { isPspAccountId, isPspProvider } from '@ivr/contracts';
import type { GetPspAccountRequest, GetPspAccountResponse } from '@ivr/contracts/orderlink/v1';
import type { PspAccount } from './account';

/**
 * Where the vault and authorization get a PSP account (docs/decisions/0010-psp-per-merchant.md): the
 * deployment's default from their own environment, every other one by id from order-link's
 * PspAccountService (mutual TLS), kept for `ttlMs` so that a payment does not ask for each call and a
 * rotation of credentials reaches them within that time.
 */

/** The account id names no account (order-link said NOT_FOUND): nothing may be sent for it. */
export class PspAccountNotFound extends Error {
  override readonly name = 'PspAccountNotFound';
}

/** The account could not be read now (order-link unreachable, or not configured here): try again later. */
export class PspAccountLookupFailed extends Error {
  override readonly name = 'PspAccountLookupFailed';
}

/** The one method of the generated PspAccountServiceClient this needs (structural, no gRPC import). */
export interface PspAccountClient {
  getPspAccount(
    request: GetPspAccountRequest,
    callback: (error: { code?: number } | null, response: GetPspAccountResponse) => void,
  ): unknown;
}

const NOT_FOUND = 5;

export interface PspAccountSourceOptions {
  defaultAccount: PspAccount;
  /** order-link's PspAccountService; absent: only the default account exists here. */
  client?: PspAccountClient;
  /** How long a fetched account is used before it is read again. */
  ttlMs: number;
  now?: () => number;
}

/** Accounts by id: the default from the environment, the others from order-link, cached. */
export class PspAccountSource {
  private readonly cache = new Map<string, { account: PspAccount; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: PspAccountSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  async account(accountId: string): Promise<PspAccount> {
    if (accountId === this.options.defaultAccount.id) return this.options.defaultAccount;
    if (!isPspAccountId(accountId)) throw new PspAccountNotFound(`${accountId} is not a PSP account id`);
    const cached = this.cache.get(accountId);
    if (cached && cached.until > this.now()) return cached.account;
    const client = this.options.client;
    if (!client) throw new PspAccountLookupFailed(`PSP account ${accountId}: order-link is not configured here`);
    const response = await new Promise<GetPspAccountResponse>((resolve, reject) => {
      client.getPspAccount({ accountId }, (error, answer) => {
        if (!error) return resolve(answer);
        reject(
          error.code === NOT_FOUND
            ? new PspAccountNotFound(`order-link has no PSP account ${accountId}`)
            : new PspAccountLookupFailed(`PSP account ${accountId} could not be read (gRPC status ${error.code})`),
        );
      });
    });
    const account = pspAccountFromProto(response);
    this.cache.set(accountId, { account, until: this.now() + this.options.ttlMs });
    return account;
  }
}

/** PspAccountService's answer as a PspAccount; anything inconsistent is refused, never guessed. */
export function pspAccountFromProto(r: GetPspAccountResponse): PspAccount {
  if (!isPspAccountId(r.accountId) || !isPspProvider(r.provider)) {
    throw new PspAccountLookupFailed('order-link answered a PSP account without a valid id or provider');
  }
  const c = r.credentials;
  if (r.provider === 'gmo-pg' && c?.$case === 'gmoPg') return { id: r.accountId, provider: 'gmo-pg', ...c.value };
  if (r.provider !== 'gmo-pg' && c?.$case === 'stripe') {
    return { id: r.accountId, provider: r.provider, apiKey: c.value.apiKey };
  }
  throw new PspAccountLookupFailed(`order-link answered ${r.accountId} without ${r.provider} credentials`);
}
