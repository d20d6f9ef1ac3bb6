// A real SIP phone (Debian's baresip) calls a vault media session and keys a card number with
// RFC 4733 events (ctrl_tcp `sndcode`); the vault reports masked progress only.

import type { Codec } from '@ivr/media';
import { BaresipPhone } from '@ivr/testkit/baresip';
import type { OpenedSession, Vault } from '../src/app/vault';
import type { CaptureUpdate } from '../src/capture/field-capture';
import { MiniUas } from './support/mini-uas';
import { createTestVault, refusingTokenizer } from './support/vault-harness';

jest.setTimeout(60_000);

describe('baresip calls a vault media session', () => {
  let vault: Vault;
  let uas: MiniUas;
  let phone: BaresipPhone;
  let session: OpenedSession | undefined;
  let hungUp = false;

  beforeAll(async () => {
    vault = createTestVault(refusingTokenizer).vault;
    uas = await MiniUas.start(
      async (offer) => {
        const offered = offer.payloadTypes.flatMap((pt): Codec[] => (pt === 0 ? ['PCMU'] : pt === 8 ? ['PCMA'] : []));
        session = await vault.open({
          offeredCodecs: offered,
          telephoneEventPayloadType: offer.telephoneEventPayloadType,
          sdpPeer: { address: offer.address, port: offer.port },
        });
        return {
          address: session.address,
          port: session.port,
          codecPayloadType: session.codec === 'PCMU' ? 0 : 8,
          telephoneEventPayloadType: session.telephoneEventPayloadType,
        };
      },
      () => {
        hungUp = true;
        if (session) vault.close(session.sessionId, 'hangup');
      },
    );
    phone = await BaresipPhone.start({ name: 'caller' });
  });

  afterAll(async () => {
    await phone?.stop();
    uas?.close();
    vault?.closeAll('shutdown');
  });

  it('captures the card number keyed with sndcode, reporting masked progress', async () => {
    await phone.dial(`sip:ivr@127.0.0.1:${uas.port}`);
    await phone.waitForEvent('CALL_ESTABLISHED');
    const opened = session as OpenedSession;
    const updates: CaptureUpdate[] = [];
    const outcome = vault.capture(
      opened.sessionId,
      {
        kind: 'card_number',
        language: 'en',
        promptIds: [],
        retryPromptIds: [],
        firstDigitTimeoutMs: 30_000,
        interDigitTimeoutMs: 10_000,
        maxAttempts: 3,
      },
      (u) => updates.push(u),
    );
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
    for (let i = 0; i < 100 && !hungUp; i++) await new Promise((r) => setTimeout(r, 50));
    expect(hungUp).toBe(true);
    expect(vault.sessionCount).toBe(0);
  });
});
