import type { TlsMaterial } from '@ivr/grpc';
import { pspAccountsFromConfig, pspEndpoints } from '@ivr/psp';
import type { Config } from '../../config';
import { Gateways } from './gateways';
import type { GatewayCallMetrics } from './resilient-gateway';

/**
 * The gateways of the PSP accounts: the seam is chosen here, by configuration only. The accounts are
 * @ivr/psp's `pspAccountsFromConfig` (the default from the environment, merchants' from order-link).
 */
export function gatewaysFromConfig(
  config: Config,
  tls: TlsMaterial,
  metrics: GatewayCallMetrics,
): { gateways: Gateways; close(): void } {
  const { accounts, close } = pspAccountsFromConfig(config, 'authorization', tls);
  const gateways = new Gateways({
    accounts,
    gateway: {
      endpoints: pspEndpoints(config),
      timeoutMs: config.pspTimeoutMs,
      stripeIdempotencyRetentionMs: config.idempotencyWindowMs,
    },
    breaker: { failureThreshold: config.breakerFailures, openMs: config.breakerOpenMs },
    retry: { retries: config.pspRetries, retryDelayMs: config.pspRetryDelayMs },
    metrics,
  });
  return { gateways, close };
}
