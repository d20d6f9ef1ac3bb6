import { type ConfigOf, int, oneOf, optional, str, url } from '@ivr/config';
import { DEFAULT_PSP_ACCOUNT_ID, PSP_PROVIDERS, type PspProvider } from '@ivr/contracts';
import { credentialsProblem, type PspAccount, type PspEndpoints } from './account';

/**
 * The PSP variables the vault and authorization read alike (spread into their config spec): the
 * deployment's default account (`PSP_PROVIDER` and its credentials) and where each gateway's API is.
 * The vault registers cards with the site only: it never reads GMO-PG's shop credentials.
 *
 * | variable | |
 * |---|---|
 * | `PSP_PROVIDER` | `simulator` (default), `stripe` or `gmo-pg`: the default account's gateway |
 * | `PSP_URL` | its API (default: the simulator's `http://127.0.0.1:12111`, Stripe's `https://api.stripe.com`; GMO-PG's is per contract) |
 * | `STRIPE_API_URL`, `GMO_PG_API_URL`, `PSP_SIMULATOR_URL` | the other gateways' APIs, for merchants' own accounts |
 * | `PSP_API_KEY` | `simulator`/`stripe`: the secret key |
 * | `GMO_PG_SHOP_ID`, `GMO_PG_SHOP_PASS` | `gmo-pg`, authorization only: the shop |
 * | `GMO_PG_SITE_ID`, `GMO_PG_SITE_PASS` | `gmo-pg`: the site (members and cards) |
 * | `PSP_ACCOUNTS_GRPC_ADDRESS` | order-link's gRPC address: merchants' accounts are read there (mTLS, decision 0010); unset: the default account only |
 * | `PSP_ACCOUNTS_CACHE_MS` | how long a merchant's account is used before it is read again (60000) |
 */
export function pspConfigSpec(side: 'vault'): ReturnType<typeof commonSpec>;
export function pspConfigSpec(side: 'authorization'): ReturnType<typeof commonSpec> & ReturnType<typeof shopSpec>;
export function pspConfigSpec(side: 'vault' | 'authorization') {
  // The timeouts each side had before the seam: a registration may wait a little longer than a payment call.
  return side === 'authorization' ? { ...commonSpec(8000), ...shopSpec() } : commonSpec(10_000);
}

function commonSpec(timeoutMs = 10_000) {
  return {
    pspProvider: oneOf('PSP_PROVIDER', PSP_PROVIDERS, { default: 'simulator' }),
    pspUrl: optional(url('PSP_URL', { protocols: ['http', 'https'] })),
    stripeApiUrl: url('STRIPE_API_URL', { default: 'https://api.stripe.com', protocols: ['http', 'https'] }),
    gmoPgApiUrl: optional(url('GMO_PG_API_URL', { protocols: ['http', 'https'] })),
    pspSimulatorUrl: optional(url('PSP_SIMULATOR_URL', { protocols: ['http', 'https'] })),
    pspApiKey: optional(str('PSP_API_KEY', { secret: true })),
    gmoSiteId: optional(str('GMO_PG_SITE_ID')),
    gmoSitePass: optional(str('GMO_PG_SITE_PASS', { secret: true })),
    pspTimeoutMs: int('PSP_TIMEOUT_MS', { default: timeoutMs, min: 100, max: 60_000 }),
    pspAccountsAddress: optional(str('PSP_ACCOUNTS_GRPC_ADDRESS')),
    pspAccountsServerName: str('PSP_ACCOUNTS_SERVER_NAME', { default: 'order-link' }),
    pspAccountsCacheMs: int('PSP_ACCOUNTS_CACHE_MS', { default: 60_000, min: 0, max: 3_600_000 }),
  };
}

/** GMO-PG's shop: authorization only (the vault never pays). */
function shopSpec() {
  return {
    gmoShopId: optional(str('GMO_PG_SHOP_ID')),
    gmoShopPass: optional(str('GMO_PG_SHOP_PASS', { secret: true })),
  };
}

export type PspConfig = ConfigOf<ReturnType<typeof commonSpec>> & Partial<ConfigOf<ReturnType<typeof shopSpec>>>;

const DEFAULT_URLS: Partial<Record<PspProvider, string>> = {
  simulator: 'http://127.0.0.1:12111',
  stripe: 'https://api.stripe.com',
};

/** Each gateway's API address: PSP_URL for the default provider, the provider's own variable for the others. */
export function pspEndpoints(config: PspConfig): PspEndpoints {
  const endpoints: PspEndpoints = {
    simulator: config.pspSimulatorUrl ?? DEFAULT_URLS.simulator,
    stripe: config.stripeApiUrl,
    ...(config.gmoPgApiUrl ? { 'gmo-pg': config.gmoPgApiUrl } : {}),
  };
  const own = config.pspUrl ?? endpoints[config.pspProvider];
  if (own) endpoints[config.pspProvider] = own;
  return endpoints;
}

/**
 * The deployment's default account from the environment, or an Error naming what is missing (never a
 * value). The vault's GMO-PG account has no shop (it never pays): empty strings stand for it.
 */
export function defaultPspAccount(config: PspConfig, side: 'vault' | 'authorization'): PspAccount {
  const id = DEFAULT_PSP_ACCOUNT_ID;
  if (!pspEndpoints(config)[config.pspProvider]) {
    throw new Error(`PSP_PROVIDER is ${config.pspProvider}: set PSP_URL to its API address`);
  }
  if (config.pspProvider !== 'gmo-pg') {
    const account: PspAccount = { id, provider: config.pspProvider, apiKey: config.pspApiKey ?? '' };
    const problem = credentialsProblem(account);
    if (problem) throw new Error(`PSP_API_KEY ${problem.message} (PSP_PROVIDER is ${config.pspProvider})`);
    return account;
  }
  const account: PspAccount = {
    id,
    provider: 'gmo-pg',
    shopId: config.gmoShopId ?? '',
    shopPass: config.gmoShopPass ?? '',
    siteId: config.gmoSiteId ?? '',
    sitePass: config.gmoSitePass ?? '',
  };
  const problem = credentialsProblem(account, side === 'vault' ? 'site' : 'all');
  if (problem)
    throw new Error(
      `${GMO_VARIABLES[problem.field as keyof typeof GMO_VARIABLES]} ${problem.message} (PSP_PROVIDER is gmo-pg)`,
    );
  return account;
}

const GMO_VARIABLES = {
  shopId: 'GMO_PG_SHOP_ID',
  shopPass: 'GMO_PG_SHOP_PASS',
  siteId: 'GMO_PG_SITE_ID',
  sitePass: 'GMO_PG_SITE_PASS',
} as const;
