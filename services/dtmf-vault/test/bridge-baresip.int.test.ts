// A real SIP phone (Debian's baresip) as the caller of a bridged session: it keys a card number with
// RFC 4733 events (`sndcode`), then, on a second call, an expiry as in-band tones in its audio. The
// operator's leg is an RTP phone of the test that keeps what it hears; two decoders that are not the
// vault's (the test kit's Goertzel and multimon-ng) must find no key in it.
import type { Codec } from '@ivr/media';
import { BaresipPhone } from '@ivr/testkit/baresip';
import { g711Frames, silence } from '@ivr/testkit/dtmf-signals';
import { decodeDtmf, multimonDecode } from '@ivr/testkit/reference-dtmf';
import type { CaptureRequest, OpenedSession, Vault } from '../src/app/vault';
import { MiniUas } from './support/mini-uas';
import { RtpPeer } from './support/rtp-peer';
import { createTestVault, refusingTokenizer } from './support/vault-harness';

jest.setTimeout(90_000);

const field = (kind: CaptureRequest['kind']): CaptureRequest => ({
  kind,
  language: 'en',
  promptIds: [],
  retryPromptIds: [],
  firstDigitTimeoutMs: 30_000,
  interDigitTimeoutMs: 10_000,
  maxAttempts: 3,
});

describe('baresip calls a bridged session (agent-assisted mode)', () => {
  let vault: Vault;
  let uas: MiniUas;
  let phone: BaresipPhone;
  let session: OpenedSession | undefined;
  const operators: RtpPeer[] = [];

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
        if (session) vault.close(session.sessionId, 'hangup');
      },
    );
    phone = await BaresipPhone.start({ name: 'caller' });
  });

  afterAll(async () => {
    await phone?.stop();
    uas?.close();
    for (const o of operators) o.close();
    vault?.closeAll('shutdown');
  });

  /** Calls in, opens the operator's leg and points it at an RTP phone that talks quietly the whole time. */
  async function callWithOperator() {
    const since = phone.events.length;
    await phone.dial(`sip:ivr@127.0.0.1:${uas.port}`);
    await phone.waitForEvent('CALL_ESTABLISHED', { since });
    const { sessionId } = session as OpenedSession;
    const leg = await vault.openOperatorLeg(sessionId);
    const operator = await RtpPeer.open({ address: '127.0.0.1', port: leg.port }, 0x0a0a_0a0a);
    operators.push(operator);
    vault.setLegRemote(sessionId, 'operator', {
      peer: { address: '127.0.0.1', port: operator.port },
      codec: 'PCMA',
    });
    const talking = operator.sendAudioPaced(g711Frames(silence(30_000), 'PCMA'), 8);
    const hangUp = async () => {
      const closed = phone.events.length;
      await phone.hangup();
      await phone.waitForEvent('CALL_CLOSED', { since: closed });
      operator.close();
      await talking;
    };
    return { sessionId, operator, hangUp };
  }

  it('RFC 4733: the capture gets the card number, the operator gets no event and hears no key', async () => {
    const { sessionId, operator, hangUp } = await callWithOperator();
    const outcome = vault.capture(sessionId, field('card_number'), () => {});
    await phone.sendDigits('4242424242424242#');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
    await operator.waitFor(() => operator.received.length > 150, 'the operator to hear the call');
    await hangUp();
    expect(operator.received.every((p) => p.payloadType === 8)).toBe(true);
    const heard = operator.receivedAudio();
    expect(decodeDtmf(heard)).toBe('');
    expect(multimonDecode(heard)).toBe('');
    expect(vault.bridgeTotals().eventsDropped).toBeGreaterThan(17);
  });

  it('in-band tones: the capture gets the expiry, the operator hears flat tones and no key', async () => {
    const { sessionId, operator, hangUp } = await callWithOperator();
    const outcome = vault.capture(sessionId, field('expiry'), () => {});
    await phone.sendTones('1230#');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 4 } });
    await new Promise((r) => setTimeout(r, 1000));
    await hangUp();
    const heard = operator.receivedAudio();
    expect(decodeDtmf(heard)).toBe('');
    expect(multimonDecode(heard)).toBe('');
    expect(vault.bridgeTotals().maskedSamples).toBeGreaterThan(4 * 100 * 8);
  });
});
