// SRTP on the vault's media leg over real UDP: the phone's side is @ivr/media's SdesOffer (as a phone
// offering a=crypto lines), the vault answers with its own key. Digits keyed over SRTP are captured;
// with the wrong key, or replayed, packets are dropped and counted, never read; RTCP on the port
// (rtcp-mux) is ignored; the vault's prompts reach the phone encrypted.
import { answerSdes, SdesOffer, type SrtpLeg, serializeRtp } from '@ivr/media';
import { g711Frames, silence } from '@ivr/testkit/dtmf-signals';
import { MediaSession } from '../src/app/media-session';
import { SrtpRefusedError, type Vault } from '../src/app/vault';
import { pause, RtpPeer } from './support/rtp-peer';
import { captureRequest as capture, createTestVault, refusingTokenizer } from './support/vault-harness';

const bytes = (lines: string[]) => lines.map((line) => Buffer.from(line));

describe('SRTP media session over real UDP', () => {
  let vault: Vault;
  const peers: RtpPeer[] = [];

  beforeEach(() => {
    vault = createTestVault(refusingTokenizer).vault;
  });

  afterEach(() => {
    vault.closeAll('shutdown');
    for (const p of peers.splice(0)) p.close();
  });

  /** Opens an SRTP session as a phone would offer it; `leg` is the phone's side of it. */
  async function openSecure(offer = new SdesOffer()) {
    const offered = bytes(offer.attributes);
    const opened = await vault.open({ offeredCodecs: ['PCMU'], offeredCrypto: offered });
    const accepted = offer.accept(opened.answerCrypto ?? '');
    if (!accepted.ok) throw new Error(`the vault's answer was refused: ${accepted.refused.error}`);
    return { opened, leg: accepted.leg, offered };
  }

  async function peer(opened: { address: string; port: number }, leg: SrtpLeg) {
    const p = await RtpPeer.open({ address: opened.address, port: opened.port }, 0x5eed_0001, '127.0.0.1', leg);
    peers.push(p);
    return p;
  }

  it('captures a card number keyed over SRTP and answers with SRTP the phone can read', async () => {
    const { opened, leg } = await openSecure();
    expect(opened.answerCrypto).toMatch(/^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
    expect(vault.secureSessionCount).toBe(1);
    const phone = await peer(opened, leg);
    const outcome = vault.capture(opened.sessionId, capture('card_number'), () => {});
    await phone.sendAudio(g711Frames(silence(60)));
    await phone.sendKeys('4242424242424242#');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
    const counters = vault.counters(opened.sessionId);
    expect(counters).toMatchObject({ keys: 17, srtpAuthFailed: 0, srtpReplayed: 0, garbage: 0 });
    await phone.waitFor(() => phone.received.length > 3, 'SRTP from the vault');
    expect(phone.refused).toEqual([]);
    expect(phone.received[0]).toMatchObject({ payloadType: 0, ssrc: expect.any(Number) });
  });

  it('takes the 32-bit tag suite when the phone prefers it', async () => {
    const { opened, leg } = await openSecure(new SdesOffer(['AES_CM_128_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80']));
    expect(opened.answerCrypto).toMatch(/^1 AES_CM_128_HMAC_SHA1_32 /);
    const phone = await peer(opened, leg);
    const outcome = vault.capture(opened.sessionId, capture('expiry'), () => {});
    await phone.sendKeys('1230');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 4 } });
  });

  it('a phone with the wrong key gets no digit in: every packet is dropped and counted', async () => {
    const { opened } = await openSecure();
    // Another offer's leg: keys the vault never saw.
    const stranger = new SdesOffer();
    const strangerLeg = stranger.accept(new SdesOffer().attributes[0] as string);
    if (!strangerLeg.ok) throw new Error('refused');
    const phone = await peer(opened, strangerLeg.leg);
    const updates: unknown[] = [];
    const outcome = vault.capture(
      opened.sessionId,
      capture('expiry', { firstDigitTimeoutMs: 600, maxAttempts: 1 }),
      (u) => updates.push(u),
    );
    await phone.sendKeys('12');
    expect(await outcome).toEqual({ status: 'failed' });
    expect(updates.some((u) => (u as { type: string }).type === 'progress')).toBe(false);
    const counters = vault.counters(opened.sessionId);
    expect(counters.srtpAuthFailed).toBe(16);
    expect(counters).toMatchObject({ keys: 0, packetsAccepted: 0 });
    // Nothing unauthenticated was learned: the vault never sent to the stranger's port.
    await pause(100);
    expect(phone.received).toHaveLength(0);
    expect(phone.refused).toHaveLength(0);
  });

  it('replayed packets are dropped and counted; a key counts once', async () => {
    const { opened, leg } = await openSecure();
    const phone = await peer(opened, leg);
    const outcome = vault.capture(opened.sessionId, capture('expiry'), () => {});
    await phone.sendKeys('1');
    for (const datagram of [...phone.sent]) await phone.sendRaw(datagram); // an attacker replays the key
    await phone.sendKeys('230');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 4 } });
    const counters = vault.counters(opened.sessionId);
    expect(counters.srtpReplayed).toBe(8);
    expect(counters.keys).toBe(4);
  });

  it('ignores RTCP and SRTCP on the RTP port and garbage, without crashing', async () => {
    const { opened, leg } = await openSecure();
    const phone = await peer(opened, leg);
    await phone.sendRaw(leg.sender.protectRtcp(Buffer.from([0x81, 0xc8, 0, 1, 0x5e, 0xed, 0, 1])));
    await phone.sendRaw(Uint8Array.of(1, 2, 3));
    await phone.sendRaw(serializeRtp({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1 }, Buffer.alloc(160))); // plain RTP
    await phone.sendKeys('5');
    await phone.waitFor(() => vault.counters(opened.sessionId).packetsAccepted >= 8, 'the key');
    expect(vault.counters(opened.sessionId)).toMatchObject({ garbage: 2, srtpAuthFailed: 1 });
  });

  it('refuses an offer it cannot honour, says why without a key, and opens nothing', async () => {
    const key = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';
    const offered = bytes([`1 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^20|1:4`, `2 AEAD_AES_128_GCM inline:${key}`]);
    const error = await vault.open({ offeredCodecs: ['PCMU'], offeredCrypto: offered }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SrtpRefusedError);
    expect((error as Error).message).toBe(
      'no usable a=crypto attribute (1 AES_CM_128_HMAC_SHA1_80: mki_unsupported; 2 AEAD_AES_128_GCM: unknown_suite)',
    );
    expect(vault.sessionCount).toBe(0);
  });

  it('wipes the session keys when the session closes', async () => {
    const answer = answerSdes(new SdesOffer().attributes);
    if (!answer.ok) throw new Error('refused');
    const session = new MediaSession({
      id: 's',
      codec: 'PCMU',
      telephoneEventPayloadType: 101,
      protection: answer.leg,
      now: Date.now,
      today: () => new Date(),
      send: () => {},
    });
    expect(session.secure).toBe(true);
    session.close();
    expect(answer.leg.receiver.isWiped && answer.leg.sender.isWiped).toBe(true);
  });
});
