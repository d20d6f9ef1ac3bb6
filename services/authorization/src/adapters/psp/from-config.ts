import { PspAccountServiceClient } from '@ivr/contracts/orderlink/v1';
import { createClient, type TlsMaterial } from '@ivr/grpc';
import { defaultPspAccount, PspAccountSource, pspEndpoints } from '@ivr/psp';
import type { Config } from '../../config';
import { Gateways } from './gateways';
import type { GatewayCallMetrics } from './resilient-gateway';

/**
 * The gateways of the PSP accounts: the seam is chosen here, by configuration only. The default account
 * from the environment; merchants' accounts from order-link's PspAccountService over mutual TLS with this
 * service's certificate (decision 0010), when PSP_ACCOUNTS_GRPC_ADDRESS is set.
 */
export function gatewaysFromConfig(
  config: Config,
  tls: TlsMaterial,
  metrics: GatewayCallMetrics,
): { gateways: Gateways; close(): void } {
  const client = config.pspAccountsAddress
    ? createClient(PspAccountServiceClient, config.pspAccountsAddress, {
        tls,
        serverName: config.pspAccountsServerName,
        deadlineMs: config.pspTimeoutMs,
      })
    : undefined;
  const gateways = new Gateways({
    accounts: new PspAccountSource({
      defaultAccount: defaultPspAccount(config, 'authorization'),
      ...(client ? { client } : {}),
      ttlMs: config.pspAccountsCacheMs,
    }),
    gateway: {
      endpoints: pspEndpoints(config),
      timeoutMs: config.pspTimeoutMs,
      stripeIdempotencyRetentionMs: config.idempotencyWindowMs,
    },
    breaker: { failureThreshold: config.breakerFailures, openMs: config.breakerOpenMs },
    retry: { retries: config.pspRetries, retryDelayMs: config.pspRetryDelayMs },
    metrics,
  });
  return { gateways, close: () => client?.close() };
}
