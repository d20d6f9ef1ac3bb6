// Plain digits (FIELD_KIND_DIGITS) come back in clear: a real vault over mutual TLS refuses every way a
// compromised call-control could use them to collect a card number (docs/security-audit.md, item 1),
// and still serves the dialogue's own uses: the keyed transfer code and the one-key confirmation.
import { status } from '@grpc/grpc-js';
import { Language } from '@ivr/contracts/common/v1';
import { type CaptureFieldRequest, FieldKind, Terminator, type VaultServiceClient } from '@ivr/contracts/vault/v1';
import { captureField } from './support/grpc-client';
import { startGrpcVault } from './support/grpc-vault';
import { pause } from './support/rtp-peer';
import { refusingTokenizer } from './support/vault-harness';

jest.setTimeout(30_000);

const EN = Language.LANGUAGE_EN;
type Field = Partial<CaptureFieldRequest> & Pick<CaptureFieldRequest, 'kind'>;
const transferCode: Field = {
  kind: FieldKind.FIELD_KIND_DIGITS,
  promptIds: ['enter-transfer-code'],
  retryPromptIds: ['invalid', 'try-again'],
  minLength: 6,
  maxLength: 6,
  terminator: Terminator.TERMINATOR_HASH,
};
const confirm: Field = {
  kind: FieldKind.FIELD_KIND_DIGITS,
  promptIds: ['press-1-to-confirm'],
  retryPromptIds: ['invalid', 'press-1-to-confirm'],
  minLength: 1,
  maxLength: 1,
  terminator: Terminator.TERMINATOR_NONE,
};

describe('plain digits cannot carry a card number out of the vault', () => {
  let grpcVault: Awaited<ReturnType<typeof startGrpcVault>>;
  let client: VaultServiceClient;
  let api: Awaited<ReturnType<typeof startGrpcVault>>['api'];

  beforeAll(async () => {
    grpcVault = await startGrpcVault(refusingTokenizer);
    ({ client, api } = grpcVault);
  });

  afterAll(() => grpcVault.stop());

  async function openSession() {
    const { opened, peer } = await grpcVault.openSession('plain-digits');
    const sessionId = opened.sessionId;
    /** Captures a field while the caller keys `keys`; resolves with the last update. */
    const key = async (field: Field, keys: string) => {
      const updates = captureField(client, { sessionId, promptLanguage: EN, ...field });
      await pause(100);
      await peer.sendKeys(keys);
      return (await updates).at(-1)?.update;
    };
    const capture = (field: Field) => captureField(client, { sessionId, promptLanguage: EN, ...field });
    return { sessionId, key, capture };
  }

  const refused = (details: RegExp) => ({ code: status.PERMISSION_DENIED, details: expect.stringMatching(details) });

  it("serves the dialogue's plain digits: a transfer code, then the amount confirmation, three times", async () => {
    const { key } = await openSession();
    expect(await key(transferCode, '123456#')).toEqual({
      $case: 'completed',
      value: { digitsEntered: 6, brand: '', plainDigits: '123456' },
    });
    for (const answer of ['3', '2', '1'])
      expect(await key(confirm, answer)).toMatchObject({ $case: 'completed', value: { plainDigits: answer } });
  });

  it('hears a transfer code keyed while the welcome that opens the question still plays (barge-in)', async () => {
    const { key } = await openSession();
    // call-control asks for a keyed code with the welcome first: keys sent 100 ms in land in the welcome.
    expect(await key({ ...transferCode, promptIds: ['welcome', 'enter-transfer-code'] }, '654321#')).toEqual({
      $case: 'completed',
      value: { digitsEntered: 6, brand: '', plainDigits: '654321' },
    });
  });

  it('refuses plain digits asked for with a card prompt, with no question, or with a prompt outside the list', async () => {
    const { capture } = await openSession();
    for (const promptIds of [['enter-card-number'], ['enter-security-code'], ['enter-expiry'], []])
      await expect(capture({ ...confirm, promptIds })).rejects.toMatchObject(refused(/answer exactly one/));
    await expect(capture({ ...confirm, promptIds: ['try-again'] })).rejects.toMatchObject(
      refused(/answer exactly one/),
    );
    await expect(
      capture({ ...transferCode, promptIds: ['enter-transfer-code', 'press-1-to-confirm'] }),
    ).rejects.toMatchObject(refused(/answer exactly one/));
    await expect(capture({ ...confirm, promptIds: ['enter-card-number', 'press-1-to-confirm'] })).rejects.toMatchObject(
      refused(/not allowed.*enter-card-number/),
    );
    await expect(capture({ ...confirm, retryPromptIds: ['enter-card-number'] })).rejects.toMatchObject(
      refused(/not allowed.*enter-card-number/),
    );
  });

  it('refuses answers longer than the question needs', async () => {
    const { capture } = await openSession();
    await expect(capture({ ...confirm, minLength: 1, maxLength: 2 })).rejects.toMatchObject(refused(/at most 1 digit/));
    await expect(capture({ ...transferCode, minLength: 6, maxLength: 7 })).rejects.toMatchObject(
      refused(/at most 6 digits/),
    );
    await expect(capture({ ...transferCode, minLength: 12, maxLength: 12 })).rejects.toMatchObject(
      refused(/at most 6 digits/),
    );
  });

  it("refuses plain digits beyond the session's budget", async () => {
    const { key, capture } = await openSession();
    expect(await key(transferCode, '123456#')).toMatchObject({ $case: 'completed' });
    for (const answer of ['1', '1', '1'])
      expect(await key(confirm, answer)).toMatchObject({ $case: 'completed', value: { plainDigits: answer } });
    await expect(capture(confirm)).rejects.toMatchObject(refused(/spent/));
  });

  it('refuses plain digits once a card field has started, even one that did not complete', async () => {
    const { key, capture } = await openSession();
    expect(await key({ kind: FieldKind.FIELD_KIND_CARD_NUMBER }, '4242424242424242#')).toMatchObject({
      $case: 'completed',
    });
    await expect(capture(confirm)).rejects.toMatchObject(refused(/card field has started/));
    await expect(capture(transferCode)).rejects.toMatchObject(refused(/card field has started/));
  });

  it('refuses plain digits after a card field that timed out, and after a card prompt was played', async () => {
    const timedOut = await openSession();
    expect(
      await timedOut.key({ kind: FieldKind.FIELD_KIND_EXPIRY, firstDigitTimeoutMs: 100, maxAttempts: 1 }, ''),
    ).toMatchObject({ $case: 'failed' });
    await expect(timedOut.capture(confirm)).rejects.toMatchObject(refused(/card field has started/));

    const played = await openSession();
    await api.play({
      sessionId: played.sessionId,
      promptIds: ['enter-card-number'],
      promptLanguage: EN,
      bargeIn: true,
    });
    await expect(played.capture(confirm)).rejects.toMatchObject(refused(/card field has started/));
  });
});
