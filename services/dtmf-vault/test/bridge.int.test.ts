// Agent-assisted mode over the real API: VaultService over mutual TLS, two RTP phones on real UDP
// sockets sending in real time (the caller's and the operator's), the operator's received audio judged
// by two decoders that are not the vault's (the test kit's Goertzel and Debian's multimon-ng).
import { Language } from '@ivr/contracts/common/v1';
import {
  type CaptureFieldResponse,
  CloseReason,
  Codec,
  FieldKind,
  Leg,
  LegEndReason,
  MediaDirection,
  SessionEndReason,
  type VaultServiceClient,
} from '@ivr/contracts/vault/v1';
import { locate } from '@ivr/testkit/audio-match';
import { concat, g711Frames, keySequence, silence, speechLike } from '@ivr/testkit/dtmf-signals';
import { decodeDtmf, multimonDecode } from '@ivr/testkit/reference-dtmf';
import { startVaultGrpcServer } from '../src/adapters/grpc/server';
import type { Vault } from '../src/app/vault';
import { captureField, certsDir, vaultApi, vaultClient, watchSession } from './support/grpc-client';
import { pause, RtpPeer } from './support/rtp-peer';
import { createTestVault, refusingTokenizer } from './support/vault-harness';

jest.setTimeout(60_000);

const PAN = '4242424242424242';

const pcmOf = (signal: Float64Array) =>
  Int16Array.from(signal, (x) => Math.max(-32768, Math.min(32767, Math.round(x))));

describe('a bridged call over UDP and gRPC (agent-assisted mode)', () => {
  let vault: Vault;
  let server: Awaited<ReturnType<typeof startVaultGrpcServer>>;
  let client: VaultServiceClient;
  let api: ReturnType<typeof vaultApi>;
  const peers: RtpPeer[] = [];

  beforeAll(async () => {
    vault = createTestVault(refusingTokenizer, { rtpSilenceMs: 4000 }).vault;
    server = await startVaultGrpcServer(vault, {
      host: '127.0.0.1',
      port: 0,
      tls: { certsDir: certsDir() },
      allowedClients: ['call-control'],
    });
    client = vaultClient(server.port, 'call-control');
    api = vaultApi(client);
  });

  afterAll(async () => {
    client.close();
    for (const p of peers) p.close();
    vault.closeAll('shutdown');
    await server.stop();
  });

  /** A caller's session and an operator's leg, as call-control sets them up: the operator answers in PCMA. */
  async function bridgedCall() {
    const opened = await api.open({
      offeredCodecs: [Codec.CODEC_PCMU],
      telephoneEventPayloadType: 101,
      remoteAddress: '',
      remotePort: 0,
      pinRemoteAddress: false,
      callId: 'bridge-1',
    });
    const { sessionId } = opened;
    const caller = await RtpPeer.open({ address: opened.rtpAddress, port: opened.rtpPort }, 0x1111_0001);
    await caller.sendAudio(g711Frames(silence(40))); // the vault learns the caller's address
    const leg = await api.openOperatorLeg({ sessionId });
    expect(leg.codecs).toEqual([Codec.CODEC_PCMU, Codec.CODEC_PCMA]);
    const operator = await RtpPeer.open({ address: leg.rtpAddress, port: leg.rtpPort }, 0x2222_0002);
    peers.push(caller, operator);
    await api.setLegRemote({
      sessionId,
      leg: Leg.LEG_OPERATOR,
      remoteAddress: '127.0.0.1',
      remotePort: operator.port,
      codec: Codec.CODEC_PCMA,
      telephoneEventPayloadType: 101,
    });
    const watch = watchSession(client, sessionId);
    return { sessionId, caller, operator, watch };
  }

  it('in-band keys: the operator hears the caller before and after the card number but not one key; the caller hears the operator', async () => {
    // Signals first: making them takes a while on a loaded machine, longer than a session waits for RTP.
    const before = pcmOf(speechLike(1000, 3));
    const keys = concat([silence(200), keySequence(`${PAN}#`, 70, 80)]);
    const after = pcmOf(concat([silence(700), speechLike(1000, 5)]));
    const callerSignal = concat([Float64Array.from(before), keys, Float64Array.from(after)]);
    const callerFrames = g711Frames(callerSignal);
    const operatorVoice = pcmOf(speechLike(callerSignal.length / 8, 8).map((x) => 0.5 * x));
    const operatorFrames = g711Frames(Float64Array.from(operatorVoice), 'PCMA');
    const { sessionId, caller, operator, watch } = await bridgedCall();

    let field: Promise<CaptureFieldResponse[]> | undefined;
    const captureAt = before.length / 160;
    await Promise.all([
      caller.sendAudioPaced(callerFrames, 0, (i) => {
        if (i === captureAt)
          field = captureField(client, {
            sessionId,
            kind: FieldKind.FIELD_KIND_CARD_NUMBER,
            promptLanguage: Language.LANGUAGE_EN,
          });
      }),
      operator.sendAudioPaced(operatorFrames, 8),
    ]);
    const updates = await field;
    expect(updates?.at(-1)?.update).toMatchObject({ $case: 'completed', value: { digitsEntered: 16, brand: 'visa' } });
    await pause(200);

    const heard = operator.receivedAudio();
    expect(decodeDtmf(Int16Array.from(keySequence(`${PAN}#`, 70, 80)))).toBe(`${PAN}#`);
    expect(decodeDtmf(heard)).toBe('');
    expect(multimonDecode(heard)).toBe('');
    // Each voice reaches the other side at its level (audio-match aligns each 400 ms piece on its own: a
    // loaded machine's stalls make the ticker slip a frame in, or the caller's playout drop one).
    const voiceBefore = locate(before, heard);
    expect(voiceBefore?.correlation).toBeGreaterThan(0.9);
    expect(Math.abs(voiceBefore?.gainDb ?? 99)).toBeLessThan(3);
    const voiceAfter = locate(after.subarray(5600, after.length - 1600), heard, before.length + keys.length);
    expect(voiceAfter?.correlation).toBeGreaterThan(0.9);
    expect(Math.abs(voiceAfter?.gainDb ?? 99)).toBeLessThan(3);
    const operatorHeard = locate(operatorVoice.subarray(8000, operatorVoice.length - 8000), caller.receivedAudio());
    expect(operatorHeard?.correlation).toBeGreaterThan(0.9);
    expect(Math.abs(operatorHeard?.gainDb ?? 99)).toBeLessThan(3);
    expect(operator.received.every((p) => p.payloadType === 8)).toBe(true);
    expect(watch.events).toEqual([]);
    await api.close({ sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
    await watch.ended;
    expect(watch.events.at(-1)?.event).toEqual({
      $case: 'sessionEnded',
      value: { reason: SessionEndReason.SESSION_END_REASON_HANGUP },
    });
  });

  it('RFC 4733 keys: the capture gets them, the operator gets none of them and decodes nothing', async () => {
    const voice = g711Frames(silence(4000));
    const operatorVoice = g711Frames(speechLike(3000, 2), 'PCMA');
    const { sessionId, caller, operator } = await bridgedCall();
    const operatorSends = operator.sendAudioPaced(operatorVoice, 8);
    let field: Promise<CaptureFieldResponse[]> | undefined;
    await caller.sendAudioPaced(voice.slice(0, 25), 0, (i) => {
      if (i === 10)
        field = captureField(client, {
          sessionId,
          kind: FieldKind.FIELD_KIND_CARD_NUMBER,
          promptLanguage: Language.LANGUAGE_EN,
        });
    });
    await caller.sendKeys(`${PAN}#`);
    await caller.sendAudioPaced(voice.slice(0, 150));
    const updates = await field;
    expect(updates?.at(-1)?.update).toMatchObject({ $case: 'completed', value: { digitsEntered: 16 } });
    await operatorSends;
    expect(operator.received.length).toBeGreaterThan(100);
    expect(operator.received.every((p) => p.payloadType === 8)).toBe(true); // no telephone-event
    expect(decodeDtmf(operator.receivedAudio())).toBe('');
    expect(multimonDecode(operator.receivedAudio())).toBe('');
    await api.close({ sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
  });

  it("follows the operator's hold, reports the leg gone silent, and ends it cleanly; the caller goes on", async () => {
    const { sessionId, caller, operator, watch } = await bridgedCall();
    const callerTalks = caller.sendAudioPaced(g711Frames(silence(12_000)));
    await operator.sendAudioPaced(g711Frames(silence(400), 'PCMA'), 8);
    await api.setLegDirection({ sessionId, leg: Leg.LEG_OPERATOR, direction: MediaDirection.MEDIA_DIRECTION_INACTIVE });
    const sent = operator.received.length;
    await pause(4500); // longer than the silence limit: on hold, that is no hang-up
    expect(operator.received.length).toBeLessThanOrEqual(sent + 1);
    expect(watch.events).toEqual([]);
    await api.setLegDirection({ sessionId, leg: Leg.LEG_OPERATOR, direction: MediaDirection.MEDIA_DIRECTION_SENDRECV });
    await operator.waitFor(() => operator.received.length > sent + 10, 'audio after the hold');
    await operator.waitFor(() => watch.events.length > 0, 'the leg to be reported silent', 8000);
    expect(watch.events[0]?.event).toEqual({
      $case: 'legEnded',
      value: { leg: Leg.LEG_OPERATOR, reason: LegEndReason.LEG_END_REASON_RTP_SILENCE },
    });
    await expect(api.closeLeg({ sessionId, leg: Leg.LEG_OPERATOR })).rejects.toMatchObject({ code: 9 }); // FAILED_PRECONDITION
    await expect(api.closeLeg({ sessionId, leg: Leg.LEG_CALLER })).rejects.toMatchObject({ code: 3 }); // INVALID_ARGUMENT

    // A new operator leg; closing it answers its counters and leaves the caller's session open.
    const again = await api.openOperatorLeg({ sessionId });
    await expect(api.openOperatorLeg({ sessionId })).rejects.toMatchObject({ code: 9 });
    const closed = await api.closeLeg({ sessionId, leg: Leg.LEG_OPERATOR });
    expect(closed.stats?.keys).toBe(0);
    expect(again.rtpPort).toBeGreaterThan(0);
    expect(vault.sessionCount).toBeGreaterThan(0);
    await callerTalks;
    await api.close({ sessionId, reason: CloseReason.CLOSE_REASON_HANGUP });
  });
});
