import { defaultPspAccount, pspEndpoints } from '@ivr/psp';
import type { Config } from '../../config';
import { DefaultAccountOnly, Gateways } from './gateways';
import type { GatewayCallMetrics } from './resilient-gateway';

/** The gateways of the configured PSP accounts: the seam is chosen here, by configuration only. */
export function gatewaysFromConfig(config: Config, metrics: GatewayCallMetrics): Gateways {
  return new Gateways({
    accounts: new DefaultAccountOnly(defaultPspAccount(config, 'authorization')),
    gateway: {
      endpoints: pspEndpoints(config),
      timeoutMs: config.pspTimeoutMs,
      stripeIdempotencyRetentionMs: config.idempotencyWindowMs,
    },
    breaker: { failureThreshold: config.breakerFailures, openMs: config.breakerOpenMs },
    retry: { retries: config.pspRetries, retryDelayMs: config.pspRetryDelayMs },
    metrics,
  });
}
