import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { Language } from '@ivr/contracts/common/v1';
import {
  CloseReason,
  Codec,
  FieldKind,
  Language as LegacyLanguage,
  PlayOutcome,
  RegistrationFailure,
  Terminator,
  VaultServiceClient,
} from '@ivr/contracts/vault/v1';
import { SdesOffer } from '@ivr/media';
import { startStripeMock } from '@ivr/psp-simulator';
import { g711Frames, silence } from '@ivr/testkit/dtmf-signals';
import { StripeTokenizer } from '../src/adapters/psp/stripe-tokenizer';
import type { Vault } from '../src/app/vault';
import { captureField, certsDir, vaultApi, vaultClient } from './support/grpc-client';
import { loopbackOffer, startGrpcVault } from './support/grpc-vault';
import { pause, RtpPeer } from './support/rtp-peer';

jest.setTimeout(30_000);

describe('VaultService over mutual TLS', () => {
  let grpcVault: Awaited<ReturnType<typeof startGrpcVault>>;
  let vault: Vault;
  let server: Awaited<ReturnType<typeof startGrpcVault>>['server'];
  let mock: Awaited<ReturnType<typeof startStripeMock>>;
  let client: VaultServiceClient;
  let api: ReturnType<typeof vaultApi>;

  beforeAll(async () => {
    mock = await startStripeMock();
    grpcVault = await startGrpcVault(
      new StripeTokenizer({ baseUrl: mock.url, apiKey: 'sk_test_123', timeoutMs: 5000 }),
    );
    ({ vault, server, client, api } = grpcVault);
  });

  afterAll(async () => {
    await grpcVault.stop();
    await mock.close();
  });

  const openSession = () => grpcVault.openSession();

  it('captures a whole card with masked progress, registers it at stripe-mock and returns only the masked card', async () => {
    const { opened, peer } = await openSession();
    expect(opened.codec).toBe(Codec.CODEC_PCMU);
    const sessionId = opened.sessionId;
    const field = (kind: FieldKind, keys: string) => {
      const updates = captureField(client, { sessionId, kind, promptLanguage: Language.LANGUAGE_EN });
      return pause(100)
        .then(() => peer.sendKeys(keys))
        .then(() => updates);
    };

    const panUpdates = await field(FieldKind.FIELD_KIND_CARD_NUMBER, '4242424242424242#');
    expect(panUpdates.at(-1)?.update).toEqual({
      $case: 'completed',
      value: { digitsEntered: 16, brand: 'visa', plainDigits: '' },
    });
    expect(panUpdates.filter((u) => u.update?.$case === 'progress')).toHaveLength(16);
    expect(JSON.stringify(panUpdates)).not.toMatch(/4242/);

    const expiryUpdates = await field(FieldKind.FIELD_KIND_EXPIRY, '1230');
    expect(expiryUpdates.at(-1)?.update?.$case).toBe('completed');
    const cvcUpdates = await field(FieldKind.FIELD_KIND_SECURITY_CODE, '123');
    expect(cvcUpdates.at(-1)?.update).toMatchObject({
      $case: 'completed',
      value: { digitsEntered: 3, plainDigits: '' },
    });

    const registered = await api.register({ sessionId, idempotencyKey: `pay-${Date.now()}`, pspAccountId: '' });
    expect(registered.failure).toBe(RegistrationFailure.REGISTRATION_FAILURE_UNSPECIFIED);
    expect(registered.card).toMatchObject({
      brand: 'visa',
      bin: '424242',
      last4: '4242',
      expiryMonth: 12,
      expiryYear: 2030,
    });
    expect(registered.card?.pspToken).toMatch(/^pm_/);

    // The card is gone after registration: a second registration has nothing to send.
    await expect(api.register({ sessionId, idempotencyKey: 'again', pspAccountId: '' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    const closed = await api.close({ sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
    expect(closed.stats?.keys).toBe(16 + 1 + 4 + 3);
  });

  it('returns the digits of a plain field and reads an amount back in Japanese', async () => {
    const { opened, peer } = await openSession();
    const sessionId = opened.sessionId;
    const before = peer.received.length;
    const played = await api.play({
      sessionId,
      promptIds: ['press-1-to-confirm'],
      amount: { minorUnits: 12_345, currency: 'JPY' },
      promptLanguage: Language.LANGUAGE_JA,
      bargeIn: false,
    });
    expect(played.outcome).toBe(PlayOutcome.PLAY_OUTCOME_COMPLETED);
    expect(peer.received.length - before).toBeGreaterThan(50); // seconds of audio, 50 packets a second

    const updates = captureField(client, {
      sessionId,
      kind: FieldKind.FIELD_KIND_DIGITS,
      promptLanguage: Language.LANGUAGE_JA,
      promptIds: ['press-1-to-confirm'],
      minLength: 1,
      maxLength: 1,
    });
    await pause(100);
    await peer.sendKeys('1');
    expect((await updates).at(-1)?.update).toEqual({
      $case: 'completed',
      value: { digitsEntered: 1, brand: '', plainDigits: '1' },
    });
  });

  it("understands a call-control of the previous release, which sends only vault.v1's own language", async () => {
    const { opened } = await openSession();
    const played = await api.play({
      sessionId: opened.sessionId,
      promptIds: ['welcome'],
      promptLanguage: Language.LANGUAGE_UNSPECIFIED,
      language: LegacyLanguage.LANGUAGE_JA,
      bargeIn: false,
    });
    expect(played.outcome).toBe(PlayOutcome.PLAY_OUTCOME_COMPLETED);
    await expect(
      api.play({
        sessionId: opened.sessionId,
        promptIds: ['welcome'],
        promptLanguage: Language.LANGUAGE_UNSPECIFIED,
        bargeIn: false,
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/language/) });
    await api.close({ sessionId: opened.sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
  });

  it('answers bad requests with clear status codes', async () => {
    const { opened } = await openSession();
    await expect(
      api.play({
        sessionId: opened.sessionId,
        promptIds: ['no-such-prompt'],
        promptLanguage: Language.LANGUAGE_EN,
        bargeIn: false,
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/no-such-prompt/) });
    await expect(
      api.play({
        sessionId: opened.sessionId,
        promptIds: ['num-5'],
        promptLanguage: Language.LANGUAGE_EN,
        bargeIn: false,
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/num-5/) });
    await expect(
      api.play({ sessionId: 'nope', promptIds: [], promptLanguage: Language.LANGUAGE_EN, bargeIn: false }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(
      captureField(client, {
        sessionId: opened.sessionId,
        kind: FieldKind.FIELD_KIND_UNSPECIFIED,
        promptLanguage: Language.LANGUAGE_EN,
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(
      api.register({ sessionId: opened.sessionId, idempotencyKey: 'k', pspAccountId: '' }),
    ).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
  });

  it('abandons a capture whose stream call-control cancels, so the next capture can start', async () => {
    const { opened, peer } = await openSession();
    const first = client.captureField({
      sessionId: opened.sessionId,
      kind: FieldKind.FIELD_KIND_CARD_NUMBER,
      promptLanguage: Language.LANGUAGE_EN,
      language: LegacyLanguage.LANGUAGE_UNSPECIFIED,
      promptIds: [],
      retryPromptIds: [],
      minLength: 0,
      maxLength: 0,
      terminator: Terminator.TERMINATOR_UNSPECIFIED,
      firstDigitTimeoutMs: 60_000,
      interDigitTimeoutMs: 60_000,
      maxAttempts: 3,
    });
    first.on('error', () => {});
    await pause(100);
    await peer.sendKeys('4242');
    first.cancel();
    await pause(200);
    const updates = captureField(client, {
      sessionId: opened.sessionId,
      kind: FieldKind.FIELD_KIND_EXPIRY,
      promptLanguage: Language.LANGUAGE_EN,
    });
    await pause(100);
    await peer.sendKeys('1230');
    expect((await updates).at(-1)?.update).toMatchObject({ $case: 'completed', value: { digitsEntered: 4 } });
  });

  it('opens an SRTP session from the offer’s a=crypto lines and answers with its own key; refuses lines it cannot honour', async () => {
    const offer = new SdesOffer();
    const opened = await api.open({
      ...loopbackOffer('srtp-1'),
      offeredCrypto: offer.attributes.map((a) => Buffer.from(a)),
    });
    expect(opened.answerCrypto).toMatch(/^1 AES_CM_128_HMAC_SHA1_80 inline:/);
    const accepted = offer.accept(opened.answerCrypto);
    if (!accepted.ok) throw new Error('refused');
    const peer = await RtpPeer.open(
      { address: opened.rtpAddress, port: opened.rtpPort },
      0x51,
      '127.0.0.1',
      accepted.leg,
    );
    try {
      await peer.sendAudio(g711Frames(silence(40)));
      await peer.waitFor(() => peer.received.length > 0, 'SRTP from the vault');
    } finally {
      peer.close();
    }
    const closed = await api.close({ sessionId: opened.sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
    expect(closed.stats).toMatchObject({ packetsAccepted: 2, srtpAuthFailed: 0, srtpReplayed: 0 });

    const mki = `1 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, 1).toString('base64')}|1:4`;
    const refused = await api.open({ ...loopbackOffer('srtp-2'), offeredCrypto: [Buffer.from(mki)] }).catch((e) => e);
    expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(refused.details).toBe('no usable a=crypto attribute (1 AES_CM_128_HMAC_SHA1_80: mki_unsupported)');
  });

  it('refuses a client of our CA that is not call-control', async () => {
    const other = vaultClient(server.port, 'order-link');
    await expect(
      vaultApi(other).open({
        offeredCodecs: [Codec.CODEC_PCMU],
        telephoneEventPayloadType: 0,
        remoteAddress: '',
        remotePort: 0,
        pinRemoteAddress: false,
        callId: '',
      }),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    other.close();
    expect(vault.sessionCount).toBeLessThanOrEqual(3);
  });

  it('refuses a certificate named call-control from another CA', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rogue-'));
    try {
      const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      run(
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'].concat([
          '-subj',
          '/CN=call-control',
          '-keyout',
          'call-control.key',
          '-out',
          'call-control.crt',
        ]),
      );
      const rogue = vaultClient(server.port, 'call-control', dir, certsDir());
      const request = {
        offeredCodecs: [Codec.CODEC_PCMU],
        telephoneEventPayloadType: 0,
        remoteAddress: '',
        remotePort: 0,
      };
      await expect(vaultApi(rogue).open({ ...request, pinRemoteAddress: false, callId: '' })).rejects.toMatchObject({
        code: status.UNAVAILABLE,
      });
      rogue.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a plaintext client', async () => {
    const plain = new VaultServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const request = {
      offeredCodecs: [Codec.CODEC_PCMU],
      telephoneEventPayloadType: 0,
      remoteAddress: '',
      remotePort: 0,
    };
    await expect(vaultApi(plain).open({ ...request, pinRemoteAddress: false, callId: '' })).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    plain.close();
  });
});
