// A captured card does not wait in the vault's memory for a registration that never comes: past the
// bound (VAULT_CARD_TTL_SECONDS, here 1 s) it is wiped, and a late RegisterCard is told so, distinctly,
// without reaching the PSP (docs/security-audit.md, item 5).
import { Language } from '@ivr/contracts/common/v1';
import { FieldKind, RegistrationFailure } from '@ivr/contracts/vault/v1';
import type { CardTokenizer } from '../src/card/card-tokenizer';
import { captureField } from './support/grpc-client';
import { startGrpcVault } from './support/grpc-vault';
import { pause } from './support/rtp-peer';

jest.setTimeout(30_000);

describe('a captured card that is not registered in time', () => {
  let grpcVault: Awaited<ReturnType<typeof startGrpcVault>>;
  const tokenized: string[] = [];
  const countingTokenizer: CardTokenizer = {
    tokenize: async (_card, { idempotencyKey }) => {
      tokenized.push(idempotencyKey);
      return { token: 'pm_test' };
    },
  };

  beforeAll(async () => {
    grpcVault = await startGrpcVault(countingTokenizer, { cardTtlMs: 1000 });
  });

  afterAll(() => grpcVault.stop());

  async function captureCard() {
    const { opened, peer } = await grpcVault.openSession('unregistered-card');
    const { sessionId } = opened;
    for (const [kind, keys] of [
      [FieldKind.FIELD_KIND_CARD_NUMBER, '4242424242424242#'],
      [FieldKind.FIELD_KIND_EXPIRY, '1230'],
      [FieldKind.FIELD_KIND_SECURITY_CODE, '123'],
    ] as const) {
      const updates = captureField(grpcVault.client, { sessionId, kind, promptLanguage: Language.LANGUAGE_EN });
      await pause(100);
      await peer.sendKeys(keys);
      expect((await updates).at(-1)?.update?.$case).toBe('completed');
    }
    return sessionId;
  }

  it('registers a card asked for in time', async () => {
    const sessionId = await captureCard();
    const registered = await grpcVault.api.register({ sessionId, idempotencyKey: 'in-time', pspAccountId: '' });
    expect(registered.card).toMatchObject({ pspToken: 'pm_test', last4: '4242' });
    expect(tokenized).toContain('in-time');
  });

  it('wipes it past the bound and answers a late registration with CARD_WIPED, without calling the PSP', async () => {
    const sessionId = await captureCard();
    await pause(1500);
    const late = await grpcVault.api.register({ sessionId, idempotencyKey: 'too-late', pspAccountId: '' });
    expect(late.card).toBeUndefined();
    expect(late.failure).toBe(RegistrationFailure.REGISTRATION_FAILURE_CARD_WIPED);
    expect(tokenized).not.toContain('too-late');
    expect(grpcVault.vault.counters(sessionId)).toMatchObject({ cardsWipedUnregistered: 1 });
  });
});
