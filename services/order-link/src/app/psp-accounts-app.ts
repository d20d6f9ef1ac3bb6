import { DEFAULT_PSP_ACCOUNT_ID, isPspProvider } from '@ivr/contracts';
import { credentialsProblem, type PspAccount, type PspCredentials } from '@ivr/psp';
import { AppError } from './errors';
import { type Clock, type Principal, type PspAccountRecord, type PspAccountStore, Scopes } from './ports';

/** What an order system's new payments are paid with: its own account, or the deployment's default. */
export type PspAccountView =
  | (Omit<PspAccountRecord, 'orderSystem' | 'active'> & { default: false })
  | { accountId: typeof DEFAULT_PSP_ACCOUNT_ID; default: true };

const DEFAULT_VIEW: PspAccountView = { accountId: DEFAULT_PSP_ACCOUNT_ID, default: true };

const view = (r: PspAccountRecord): PspAccountView => {
  const { orderSystem: _o, active: _a, ...shown } = r;
  return { ...shown, default: false };
};

/**
 * Each order system's PSP account (docs/decisions/0010-psp-per-merchant.md), managed through the API by
 * keys with the administrator's scope `psp_accounts:manage`. Credentials go in and are never answered; the
 * services that call the PSP read them through `credentials` (PspAccountService, mTLS).
 */
export class PspAccountsApp {
  constructor(
    private readonly accounts: PspAccountStore,
    private readonly clock: Clock,
  ) {}

  async get(who: Principal): Promise<PspAccountView> {
    this.check(who);
    const active = await this.accounts.active(who.orderSystem);
    return active ? view(active) : DEFAULT_VIEW;
  }

  async set(who: Principal, body: unknown): Promise<PspAccountView> {
    this.check(who);
    if (!this.accounts.configured) {
      throw new AppError('unavailable', 'PSP accounts of order systems are not enabled here (PSP_ACCOUNT_KEYS unset)');
    }
    const credentials = parseCredentials(body);
    return view(await this.accounts.bind(who.orderSystem, credentials, this.clock.now()));
  }

  /** Back to the deployment's default account; payments made with the old one keep it. */
  async unset(who: Principal): Promise<PspAccountView> {
    this.check(who);
    if (this.accounts.configured) await this.accounts.unbind(who.orderSystem, this.clock.now());
    return DEFAULT_VIEW;
  }

  /** The account id a new payment of this order system records. */
  async accountFor(orderSystem: string): Promise<string> {
    if (!this.accounts.configured) return DEFAULT_PSP_ACCOUNT_ID;
    return (await this.accounts.active(orderSystem))?.accountId ?? DEFAULT_PSP_ACCOUNT_ID;
  }

  /** For PspAccountService only. `siteOnly`: GMO-PG's site without the shop (what the vault may have). */
  async credentials(accountId: string, siteOnly: boolean): Promise<PspAccount> {
    const account = this.accounts.configured ? await this.accounts.withCredentials(accountId) : null;
    if (!account) throw new AppError('not_found', `no PSP account ${accountId}`);
    if (siteOnly && account.provider === 'gmo-pg') return { ...account, shopId: '', shopPass: '' };
    return account;
  }

  private check(who: Principal): void {
    if (!who.scopes.has(Scopes.pspAccountsManage))
      throw new AppError('forbidden', `this API key lacks the scope ${Scopes.pspAccountsManage}`);
  }
}

/** The request body: `{ provider, credentials: {...} }`, each field checked and named when wrong. */
function parseCredentials(body: unknown): PspCredentials {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { provider?: unknown; credentials?: unknown };
  if (!isPspProvider(b.provider)) {
    throw new AppError('invalid', 'provider must be simulator, stripe or gmo-pg', [
      { in: 'body', field: 'provider', message: 'must be simulator, stripe or gmo-pg' },
    ]);
  }
  const c = (typeof b.credentials === 'object' && b.credentials !== null ? b.credentials : {}) as Record<
    string,
    unknown
  >;
  const text = (name: string) => (typeof c[name] === 'string' ? (c[name] as string) : '');
  const credentials: PspCredentials =
    b.provider === 'gmo-pg'
      ? {
          provider: 'gmo-pg',
          shopId: text('shopId'),
          shopPass: text('shopPass'),
          siteId: text('siteId'),
          sitePass: text('sitePass'),
        }
      : { provider: b.provider, apiKey: text('apiKey') };
  const problem = credentialsProblem(credentials);
  if (problem) {
    const field = `credentials.${problem.field}`;
    throw new AppError('invalid', `${field} ${problem.message}`, [{ in: 'body', field, message: problem.message }]);
  }
  return credentials;
}
