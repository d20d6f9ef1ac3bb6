// Builds a Vault on real UDP sockets with a random port range, for integration tests.
import type { PortPool, Ticker } from '@ivr/media';
import type { CaptureRequest, Vault, VaultLimits } from '../../src/app/vault';
import type { CardTokenizer } from '../../src/card/card-tokenizer';
import { PromptStore } from '../../src/prompts/prompt-store';
import { buildVault } from '../../src/wiring';

let prompts: PromptStore | undefined;

export function randomPortRange(size = 40): { minPort: number; maxPort: number } {
  const minPort = 20_000 + 2 * Math.floor(Math.random() * 10_000);
  return { minPort, maxPort: minPort + size };
}

export function createTestVault(
  tokenizer: CardTokenizer,
  limits: Partial<VaultLimits> = {},
): { vault: Vault; ticker: Ticker; ports: PortPool } {
  prompts ??= PromptStore.load();
  const { vault, ticker, ports } = buildVault({
    rtp: { address: '127.0.0.1', ...randomPortRange() },
    prompts,
    tokenizers: { forAccount: async () => tokenizer },
    limits: { maxSessionMs: 60_000, rtpSilenceMs: 30_000, maxSessions: 100, ...limits },
  });
  return { vault, ticker, ports };
}

/** A tokenizer for tests that only need the vault's side (the PSP tests use the simulator). */
export const refusingTokenizer: CardTokenizer = {
  tokenize: () => Promise.reject(new Error('no PSP in this test')),
};

/** A capture request with no prompts, English, generous timeouts and 3 attempts; `extra` overrides. */
export function captureRequest(kind: CaptureRequest['kind'], extra: Partial<CaptureRequest> = {}): CaptureRequest {
  return {
    kind,
    language: 'en',
    promptIds: [],
    retryPromptIds: [],
    firstDigitTimeoutMs: 20_000,
    interDigitTimeoutMs: 10_000,
    maxAttempts: 3,
    ...extra,
  };
}
