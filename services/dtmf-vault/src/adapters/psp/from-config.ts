import type { TlsMaterial } from '@ivr/grpc';
import { pspAccountsFromConfig, pspEndpoints } from '@ivr/psp';
import type { CardTokenizers } from '../../card/card-tokenizer';
import type { Config } from '../../config';
import { AccountTokenizers } from './tokenizers';

/**
 * The tokenizers of the PSP accounts: the seam is chosen here, by configuration only. The accounts are
 * @ivr/psp's `pspAccountsFromConfig` (the default from the environment, merchants' from order-link's
 * PspAccountService: the vault gets GMO-PG's site only).
 */
export function tokenizersFromConfig(config: Config, tls: TlsMaterial): { tokenizers: CardTokenizers; close(): void } {
  const { accounts, close } = pspAccountsFromConfig(config, 'vault', tls);
  const tokenizers = new AccountTokenizers((id) => accounts.account(id), {
    endpoints: pspEndpoints(config),
    timeoutMs: config.pspTimeoutMs,
    deadlineMs: config.pspDeadlineMs,
  });
  return { tokenizers, close };
}
