// A real SIP phone (Debian's baresip) calls a vault media session and keys a card number with
// RFC 4733 events (ctrl_tcp `sndcode`); the vault reports masked progress only. Then the same with
// mandatory SRTP (baresip's srtp module, libre's SRTP: a real libsrtp-compatible peer): the digits
// are captured through SRTP, and with a wrong key none are, every packet counted as refused.

import type { Codec } from '@ivr/media';
import { BaresipPhone } from '@ivr/testkit/baresip';
import type { CaptureRequest, OpenedSession, Vault } from '../src/app/vault';
import type { CaptureUpdate } from '../src/capture/field-capture';
import { MiniUas, type SdpAnswer, type SdpOffer } from './support/mini-uas';
import { captureRequest, createTestVault, refusingTokenizer } from './support/vault-harness';

jest.setTimeout(60_000);

const cardNumber = (extra: Partial<CaptureRequest> = {}) =>
  captureRequest('card_number', { firstDigitTimeoutMs: 30_000, ...extra });

/** A vault session for a phone's offer, as call-control would open it; `crypto` rewrites the SRTP lines given. */
async function openFor(
  vault: Vault,
  offer: SdpOffer,
  crypto: (line: string) => string = (line) => line,
): Promise<{ session: OpenedSession; answer: SdpAnswer }> {
  const offered = offer.payloadTypes.flatMap((pt): Codec[] => (pt === 0 ? ['PCMU'] : pt === 8 ? ['PCMA'] : []));
  const session = await vault.open({
    offeredCodecs: offered,
    telephoneEventPayloadType: offer.telephoneEventPayloadType,
    sdpPeer: { address: offer.address, port: offer.port },
    offeredCrypto: offer.crypto.map((line) => Buffer.from(crypto(line))),
  });
  return {
    session,
    answer: {
      address: session.address,
      port: session.port,
      codecPayloadType: session.codec === 'PCMU' ? 0 : 8,
      telephoneEventPayloadType: session.telephoneEventPayloadType,
      ...(session.answerCrypto ? { crypto: session.answerCrypto } : {}),
    },
  };
}

/** A vault, a minimal UAS in front of it, and one phone. */
async function rig(phoneOptions: Parameters<typeof BaresipPhone.start>[0], crypto?: (line: string) => string) {
  const vault = createTestVault(refusingTokenizer).vault;
  const state: { session?: OpenedSession; offer?: SdpOffer; hungUp: boolean } = { hungUp: false };
  const uas = await MiniUas.start(
    async (offer) => {
      state.offer = offer;
      const { session, answer } = await openFor(vault, offer, crypto);
      state.session = session;
      return answer;
    },
    () => {
      state.hungUp = true;
      if (state.session) vault.close(state.session.sessionId, 'hangup');
    },
  );
  const phone = await BaresipPhone.start(phoneOptions);
  return {
    vault,
    uas,
    phone,
    state,
    async stop() {
      await phone.stop();
      uas.close();
      vault.closeAll('shutdown');
    },
  };
}

describe('baresip calls a vault media session', () => {
  let r: Awaited<ReturnType<typeof rig>>;

  beforeAll(async () => {
    r = await rig({ name: 'caller' });
  });

  afterAll(() => r?.stop());

  it('captures the card number keyed with sndcode, reporting masked progress', async () => {
    const { vault, phone, uas, state } = r;
    await phone.dial(`sip:ivr@127.0.0.1:${uas.port}`);
    await phone.waitForEvent('CALL_ESTABLISHED');
    const opened = state.session as OpenedSession;
    const updates: CaptureUpdate[] = [];
    const outcome = vault.capture(opened.sessionId, cardNumber(), (u) => updates.push(u));
    await phone.sendDigits('4242424242424242#');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
    expect(updates.filter((u) => u.type === 'progress')).toHaveLength(16);
    expect(JSON.stringify(updates)).not.toMatch(/4242/);
    const counters = vault.counters(opened.sessionId);
    expect(counters.keys).toBe(17);
    expect(counters.garbage).toBe(0);
    expect(counters.packetsSent).toBeGreaterThan(0); // the phone hears the vault (symmetric RTP)

    await phone.hangup();
    await phone.waitForEvent('CALL_CLOSED');
    for (let i = 0; i < 100 && !state.hungUp; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.hungUp).toBe(true);
    expect(vault.sessionCount).toBe(0);
  });
});

describe('baresip with mandatory SRTP (mediaenc=srtp-mand)', () => {
  it('offers RTP/SAVP; the vault answers with its own key and captures the card number through SRTP', async () => {
    const r = await rig({ name: 'secure', mediaenc: 'srtp-mand' });
    try {
      await r.phone.dial(`sip:ivr@127.0.0.1:${r.uas.port}`);
      await r.phone.waitForEvent('CALL_ESTABLISHED');
      expect(r.state.offer?.crypto.length).toBeGreaterThan(0);
      const opened = r.state.session as OpenedSession;
      expect(opened.answerCrypto).toMatch(/^\d+ AES_CM_128_HMAC_SHA1_(80|32) inline:/);
      expect(r.vault.secureSessionCount).toBe(1);
      const outcome = r.vault.capture(opened.sessionId, cardNumber(), () => {});
      await r.phone.sendDigits('4242424242424242#');
      expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
      const counters = r.vault.counters(opened.sessionId);
      expect(counters).toMatchObject({ keys: 17, srtpAuthFailed: 0, srtpReplayed: 0 });
      expect(counters.packetsSent).toBeGreaterThan(0);
      // baresip decrypted what the vault sent: libre says so only when it fails.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(r.phone.log()).not.toMatch(/failed to decrypt/);
      expect(r.phone.log()).toMatch(/SRTP is Enabled/);
    } finally {
      await r.stop();
    }
  });

  it('captures keys sent as in-band tones in the SRTP audio (every block of every packet decrypted as libre encrypted it)', async () => {
    const r = await rig({ name: 'tones', mediaenc: 'srtp-mand' });
    try {
      await r.phone.dial(`sip:ivr@127.0.0.1:${r.uas.port}`);
      await r.phone.waitForEvent('CALL_ESTABLISHED');
      const opened = r.state.session as OpenedSession;
      const outcome = r.vault.capture(
        opened.sessionId,
        captureRequest('expiry', { firstDigitTimeoutMs: 30_000 }),
        () => {},
      );
      await r.phone.sendTones('1230');
      expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 4 } });
      expect(r.vault.counters(opened.sessionId)).toMatchObject({ srtpAuthFailed: 0, badTelephoneEvents: 0 });
    } finally {
      await r.stop();
    }
  });

  it('with the wrong key (the SDP rewritten on the way), no digit reaches the capture; every packet is counted', async () => {
    // The first characters of each offered key changed: what the vault holds is not what the phone uses.
    const rewrite = (line: string) =>
      line.replace(/inline:(....)/, (_m, head: string) => `inline:${head === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    const r = await rig({ name: 'tampered', mediaenc: 'srtp-mand' }, rewrite);
    try {
      await r.phone.dial(`sip:ivr@127.0.0.1:${r.uas.port}`);
      await r.phone.waitForEvent('CALL_ESTABLISHED');
      const opened = r.state.session as OpenedSession;
      const updates: CaptureUpdate[] = [];
      const outcome = r.vault.capture(
        opened.sessionId,
        cardNumber({ firstDigitTimeoutMs: 3000, maxAttempts: 1 }),
        (u) => updates.push(u),
      );
      await r.phone.sendDigits('4242');
      expect(await outcome).toEqual({ status: 'failed' });
      expect(updates.filter((u) => u.type === 'progress')).toHaveLength(0);
      const counters = r.vault.counters(opened.sessionId);
      expect(counters.keys).toBe(0);
      expect(counters.packetsAccepted).toBe(0);
      expect(counters.srtpAuthFailed).toBeGreaterThan(20);
    } finally {
      await r.stop();
    }
  });
});
