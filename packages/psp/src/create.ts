import type { PspAccount, PspEndpoints } from './account';
import type { PaymentGateway } from './gateway';
import { GmoPgGateway } from './gmo/gateway';
import { StripeConnector } from './stripe/connector';

export interface GatewayOptions {
  endpoints: PspEndpoints;
  /** Whole-request deadline of one HTTP exchange. */
  timeoutMs: number;
  /** Stripe's idempotency key retention as trusted here (default 23 h). */
  stripeIdempotencyRetentionMs?: number;
  /** GMO-PG: the clock that picks VOID, RETURN or RETURNX by Japan-time date (tests). */
  now?: () => number;
}

export class GatewayNotConfigured extends Error {
  override readonly name = 'GatewayNotConfigured';
}

/** The gateway of a PSP account: the seam where `simulator`, `stripe` and `gmo-pg` are chosen. */
export function createPaymentGateway(account: PspAccount, options: GatewayOptions): PaymentGateway {
  const baseUrl = options.endpoints[account.provider];
  if (!baseUrl) {
    throw new GatewayNotConfigured(
      `PSP account ${account.id} uses ${account.provider}, whose API address is not configured here`,
    );
  }
  switch (account.provider) {
    case 'simulator':
    case 'stripe':
      return new StripeConnector({
        provider: account.provider,
        baseUrl,
        apiKey: account.apiKey,
        timeoutMs: options.timeoutMs,
        ...(options.stripeIdempotencyRetentionMs !== undefined
          ? { idempotencyRetentionMs: options.stripeIdempotencyRetentionMs }
          : {}),
      });
    case 'gmo-pg':
      return new GmoPgGateway({
        baseUrl,
        credentials: account,
        timeoutMs: options.timeoutMs,
        ...(options.now ? { now: options.now } : {}),
      });
  }
}
