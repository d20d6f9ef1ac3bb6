import { PspAccountServiceClient } from '@ivr/contracts/orderlink/v1';
import { createClient, type TlsMaterial } from '@ivr/grpc';
import { PspAccountSource } from './account-source';
import { defaultPspAccount, type PspConfig } from './config';

/**
 * The PSP accounts a service pays or registers cards with (decision 0010): the deployment's default from
 * its environment, merchants' from order-link's PspAccountService over mutual TLS with the service's
 * certificate (`tls`) when PSP_ACCOUNTS_GRPC_ADDRESS is set (the vault gets GMO-PG's site only).
 * `close()` ends the gRPC client.
 */
export function pspAccountsFromConfig(
  config: PspConfig,
  side: 'vault' | 'authorization',
  tls: TlsMaterial,
): { accounts: PspAccountSource; close(): void } {
  const client = config.pspAccountsAddress
    ? createClient(PspAccountServiceClient, config.pspAccountsAddress, {
        tls,
        serverName: config.pspAccountsServerName,
        deadlineMs: config.pspTimeoutMs,
      })
    : undefined;
  const accounts = new PspAccountSource({
    defaultAccount: defaultPspAccount(config, side),
    ...(client ? { client } : {}),
    ttlMs: config.pspAccountsCacheMs,
  });
  return { accounts, close: () => client?.close() };
}
