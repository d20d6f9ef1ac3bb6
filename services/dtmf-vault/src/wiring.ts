// The vault's use cases on their adapters, without the gRPC server: main.ts, the vault's integration
// tests and the media benchmark (bench/vault.ts, through `@ivr/dtmf-vault/in-process`) build it this way;
// bench/vault-js.ts builds a Vault on its own socketless ports and clock.
import { PortPool, type PortRange, Ticker } from '@ivr/media';
import { Vault, type VaultLimits } from './app/vault';
import type { CardTokenizer, CardTokenizers } from './card/card-tokenizer';
import { PromptStore } from './prompts/prompt-store';

export type { CardTokenizer, CardTokenizers, VaultLimits };
export { Vault };

export interface VaultOptions {
  /** UDP range of the media sessions' sockets (even ports). */
  rtp: PortRange;
  /** Address put into the SDP answer (default: the bind address). */
  advertisedAddress?: string;
  /** The tokenizer of each PSP account (adapters/psp/from-config.ts in main.ts). */
  tokenizers: CardTokenizers;
  limits: VaultLimits;
  /** Loaded prompts to share (default: loaded from `promptsDir`, or the generated ones). */
  prompts?: PromptStore;
  promptsDir?: string;
}

export interface BuiltVault {
  vault: Vault;
  /** The shared 20 ms clock: stop it after `vault.closeAll`. */
  ticker: Ticker;
  ports: PortPool;
  prompts: PromptStore;
}

/**
 * The playout clock's groups: the sessions' packets leave in four bursts a period, 5 ms apart, instead
 * of one (each session still every 20 ms), so that no burst holds the event loop long (see ticker.ts).
 */
const PLAYOUT_PHASES = 4;

export function buildVault(o: VaultOptions): BuiltVault {
  const prompts = o.prompts ?? PromptStore.load(o.promptsDir);
  const ticker = new Ticker(20, undefined, PLAYOUT_PHASES);
  const ports = new PortPool(o.rtp);
  const vault = new Vault({
    ports,
    advertisedAddress: o.advertisedAddress ?? o.rtp.address,
    ticker,
    prompts,
    tokenizers: o.tokenizers,
    limits: o.limits,
    now: Date.now,
    today: () => new Date(),
  });
  return { vault, ticker, ports, prompts };
}
