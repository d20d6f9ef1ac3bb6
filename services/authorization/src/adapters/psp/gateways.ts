import {
  CircuitBreaker,
  createPaymentGateway,
  type GatewayOptions,
  type PspAccount,
  PspAccountLookupFailed,
  PspAccountNotFound,
} from '@ivr/psp';
import { type Gateways as GatewaysPort, PspAccountUnavailable, UnknownPspAccount } from '../../app/ports';
import { type GatewayCallMetrics, ResilientGateway, type RetryPolicy } from './resilient-gateway';

export { PspAccountUnavailable, UnknownPspAccount } from '../../app/ports';

/**
 * Where PSP accounts come from: the environment's default, and (decision 0010) order-link for merchants'
 * (@ivr/psp's PspAccountSource). Throws @ivr/psp's PspAccountNotFound or PspAccountLookupFailed, or this
 * service's UnknownPspAccount / PspAccountUnavailable.
 */
export interface PspAccountSource {
  account(accountId: string): Promise<PspAccount>;
}

/** Only the environment's default account (no merchant accounts configured here). */
export class DefaultAccountOnly implements PspAccountSource {
  constructor(private readonly defaultAccount: PspAccount) {}

  async account(accountId: string): Promise<PspAccount> {
    if (accountId !== this.defaultAccount.id) throw new UnknownPspAccount(`no PSP account ${accountId} here`);
    return this.defaultAccount;
  }
}

export interface GatewaysOptions {
  accounts: PspAccountSource;
  gateway: GatewayOptions;
  breaker: { failureThreshold: number; openMs: number };
  retry: RetryPolicy;
  metrics?: GatewayCallMetrics;
}

/**
 * One resilient gateway per PSP account (its own circuit breaker: one merchant's failing credentials do
 * not stop the others), built on first use and rebuilt when the account's credentials change.
 */
export class Gateways implements GatewaysPort {
  private readonly built = new Map<string, { credentials: string; gateway: ResilientGateway }>();

  constructor(private readonly options: GatewaysOptions) {}

  async for(accountId: string): Promise<ResilientGateway> {
    let account: PspAccount;
    try {
      account = await this.options.accounts.account(accountId);
    } catch (error) {
      if (error instanceof PspAccountNotFound) throw new UnknownPspAccount(error.message);
      if (error instanceof PspAccountLookupFailed) throw new PspAccountUnavailable(error.message);
      throw error;
    }
    // Compared in memory only, never logged.
    const credentials = JSON.stringify(account);
    const known = this.built.get(accountId);
    if (known?.credentials === credentials) return known.gateway;
    const gateway = new ResilientGateway(
      createPaymentGateway(account, this.options.gateway),
      new CircuitBreaker(this.options.breaker),
      this.options.retry,
      this.options.metrics,
    );
    this.built.set(accountId, { credentials, gateway });
    return gateway;
  }
}
