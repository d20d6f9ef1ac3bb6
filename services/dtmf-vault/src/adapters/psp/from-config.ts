import { defaultPspAccount, pspEndpoints } from '@ivr/psp';
import type { CardTokenizers } from '../../card/card-tokenizer';
import type { Config } from '../../config';
import { AccountTokenizers } from './tokenizers';

/** The tokenizers of the configured PSP accounts: the seam is chosen here, by configuration only. */
export function tokenizersFromConfig(config: Config): CardTokenizers {
  const fallback = defaultPspAccount(config, 'vault');
  return new AccountTokenizers(
    async (id) => {
      if (id === fallback.id) return fallback;
      throw new Error('no such PSP account here');
    },
    { endpoints: pspEndpoints(config), timeoutMs: config.pspTimeoutMs, deadlineMs: config.pspDeadlineMs },
  );
}
