import { PspAccountServiceClient } from '@ivr/contracts/orderlink/v1';
import { createClient, type TlsMaterial } from '@ivr/grpc';
import { defaultPspAccount, PspAccountSource, pspEndpoints } from '@ivr/psp';
import type { CardTokenizers } from '../../card/card-tokenizer';
import type { Config } from '../../config';
import { AccountTokenizers } from './tokenizers';

/**
 * The tokenizers of the PSP accounts: the seam is chosen here, by configuration only. The default account
 * from the environment; merchants' accounts from order-link's PspAccountService over mutual TLS with the
 * vault's certificate (decision 0010: the vault gets GMO-PG's site only), when PSP_ACCOUNTS_GRPC_ADDRESS is set.
 */
export function tokenizersFromConfig(config: Config, tls: TlsMaterial): { tokenizers: CardTokenizers; close(): void } {
  const client = config.pspAccountsAddress
    ? createClient(PspAccountServiceClient, config.pspAccountsAddress, {
        tls,
        serverName: config.pspAccountsServerName,
        deadlineMs: config.pspTimeoutMs,
      })
    : undefined;
  const accounts = new PspAccountSource({
    defaultAccount: defaultPspAccount(config, 'vault'),
    ...(client ? { client } : {}),
    ttlMs: config.pspAccountsCacheMs,
  });
  const tokenizers = new AccountTokenizers((id) => accounts.account(id), {
    endpoints: pspEndpoints(config),
    timeoutMs: config.pspTimeoutMs,
    deadlineMs: config.pspDeadlineMs,
  });
  return { tokenizers, close: () => client?.close() };
}
