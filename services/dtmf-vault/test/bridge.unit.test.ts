// A bridged session (agent-assisted mode) on in-memory sockets and a hand-driven clock: what each leg
// hears, what the capture gets, hold, and the ends of legs. The int tests do the same over real UDP.

import { locate } from '@ivr/testkit/audio-match';
import { concat, keySequence, silence, speechLike, throughG711, tone } from '@ivr/testkit/dtmf-signals';
import { decodeDtmf } from '@ivr/testkit/reference-dtmf';
import { LegStateError, type SessionEvent, SessionNotFoundError } from '../src/app/vault';
import type { CaptureUpdate } from '../src/capture/field-capture';
import { memoryVault, RtpStream, WELCOME_HZ } from './support/memory-media';

const CALLER = { address: '192.0.2.20', port: 30_000 };
const OPERATOR = { address: '192.0.2.30', port: 32_000 };
const PAN = '4242424242424242';

const cardNumber = {
  kind: 'card_number' as const,
  language: 'en' as const,
  promptIds: [],
  retryPromptIds: [],
  firstDigitTimeoutMs: 30_000,
  interDigitTimeoutMs: 10_000,
  maxAttempts: 3,
};

async function bridgedCall(operatorCodec: 'PCMU' | 'PCMA' = 'PCMA', rtpSilenceMs = 10_000) {
  const { vault, ports, clock } = memoryVault({ rtpSilenceMs });
  const { sessionId } = await vault.open({ offeredCodecs: ['PCMU'], sdpPeer: CALLER });
  const opened = await vault.openOperatorLeg(sessionId);
  vault.setLegRemote(sessionId, 'operator', { peer: OPERATOR, codec: operatorCodec });
  const [callerSocket, operatorSocket] = ports.sockets as [(typeof ports.sockets)[0], (typeof ports.sockets)[0]];
  const caller = new RtpStream(0x1111, CALLER, 'PCMU');
  const operator = new RtpStream(0x2222, OPERATOR, operatorCodec);
  const events: SessionEvent[] = [];
  vault.watch(sessionId, (e) => events.push(e));
  /** 20 ms of the call: what each phone sends (audio frames or RFC 4733 packets), then the vault's tick. */
  const step = (fromCaller?: Int16Array | Buffer[], fromOperator?: Int16Array | Buffer[]) => {
    const send = (stream: RtpStream, to: typeof callerSocket, what?: Int16Array | Buffer[]) => {
      if (what instanceof Int16Array) to.deliver(stream.audio(what), stream.from);
      else for (const packet of what ?? []) to.deliver(packet, stream.from);
    };
    send(caller, callerSocket, fromCaller);
    send(operator, operatorSocket, fromOperator);
    clock.tick();
  };
  /** Both phones send audio in 20 ms frames (the shorter one sends nothing once it ends). */
  const talk = (callerAudio?: Int16Array, operatorAudio?: Int16Array) => {
    const length = Math.max(callerAudio?.length ?? 0, operatorAudio?.length ?? 0);
    for (let i = 0; i + 160 <= length; i += 160) {
      const frame = (a?: Int16Array) => (a && i + 160 <= a.length ? a.subarray(i, i + 160) : undefined);
      step(frame(callerAudio), frame(operatorAudio));
    }
  };
  return { vault, sessionId, opened, clock, callerSocket, operatorSocket, caller, operator, events, step, talk };
}

function goertzelDb(x: Int16Array, hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return 10 * Math.log10(((s1 * s1 + s2 * s2 - c * s1 * s2) * 2) / (x.length * x.length) + 1e-9);
}

describe('a bridged session (agent-assisted mode)', () => {
  it('offers the caller codec first and relays both ways: the operator hears the caller 40 ms later, the caller the operator', async () => {
    const call = await bridgedCall('PCMA');
    expect(call.opened).toMatchObject({
      address: '192.0.2.10',
      codecs: ['PCMU', 'PCMA'],
      telephoneEventPayloadType: 101,
    });
    const callerVoice = throughG711(speechLike(1000, 3));
    const operatorVoice = throughG711(speechLike(1000, 8).map((x) => 0.5 * x));
    call.talk(callerVoice, operatorVoice);
    call.talk(throughG711(silence(100)), throughG711(silence(100))); // the look-ahead's last 40 ms leave

    const heardByOperator = call.operatorSocket.audio();
    const toOperator = locate(callerVoice, heardByOperator);
    expect(toOperator?.offset).toBe(320); // the masker's look-ahead, nothing else
    expect(toOperator?.correlation).toBeGreaterThan(0.99);
    expect(Math.abs(toOperator?.gainDb ?? 99)).toBeLessThan(0.5);

    const toCaller = locate(operatorVoice, call.callerSocket.audio());
    expect(toCaller?.offset).toBeLessThanOrEqual(160); // queued for the next 20 ms frame at most
    expect(toCaller?.correlation).toBeGreaterThan(0.99);
    expect(Math.abs(toCaller?.gainDb ?? 99)).toBeLessThan(0.5);
    expect(call.vault.counters(call.sessionId).keys).toBe(0);
  });

  it('plays prompts to both: the caller hears them, and so does the operator', async () => {
    const call = await bridgedCall();
    const played = call.vault.play(call.sessionId, { promptIds: ['welcome'], language: 'en', bargeIn: false });
    call.talk(throughG711(silence(400)));
    expect(await played).toBe('completed');
    expect(goertzelDb(call.callerSocket.audio(), WELCOME_HZ)).toBeGreaterThan(60);
    expect(goertzelDb(call.operatorSocket.audio(), WELCOME_HZ)).toBeGreaterThan(60);
  });

  it('while a card field is captured, the operator hears none of the in-band keys, and the capture gets them all', async () => {
    const call = await bridgedCall();
    const before = throughG711(speechLike(600, 4));
    call.talk(before);
    const updates: CaptureUpdate[] = [];
    const outcome = call.vault.capture(call.sessionId, cardNumber, (u) => updates.push(u));
    const keys = throughG711(keySequence(`${PAN}#`, 70, 80));
    call.talk(keys);
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
    const after = throughG711(concat([silence(700), speechLike(600, 5)]));
    call.talk(after);

    const heard = call.operatorSocket.audio();
    expect(decodeDtmf(keys)).toBe(`${PAN}#`); // the decoder hears them in what the caller sent
    expect(decodeDtmf(heard)).toBe('');
    // The caller's voice before and after the field, where it was said and at its level (within 1 dB).
    const voiceBefore = locate(before, heard);
    expect(voiceBefore).toMatchObject({ offset: 320 });
    expect(Math.abs(voiceBefore?.gainDb ?? 99)).toBeLessThan(1);
    const voiceAfter = locate(after.subarray(5600, after.length - 800), heard, before.length + keys.length);
    // (a voiced sound repeats itself: its best match may be a pitch period or so away)
    expect(Math.abs((voiceAfter?.offset ?? 0) - (before.length + keys.length + 5600 + 320))).toBeLessThanOrEqual(160);
    expect(Math.abs(voiceAfter?.gainDb ?? 99)).toBeLessThan(1);
    expect(JSON.stringify(updates)).not.toContain('4242');
  });

  it('drops the caller RFC 4733 events toward the operator, and masks a phone that also leaves the tones in its audio', async () => {
    const call = await bridgedCall();
    call.talk(throughG711(silence(100)));
    const outcome = call.vault.capture(call.sessionId, cardNumber, () => {});
    for (const key of `${PAN}#`) {
      const event = key === '#' ? 11 : Number(key);
      const packets = call.caller.keyPress(event);
      const sound = throughG711(tone({ key, ms: 120 }));
      // Each 20 ms: one event packet and the same key's tone in the audio.
      for (let i = 0; i < 6; i++)
        call.step([packets[i] as Buffer, call.caller.audio(sound.subarray(i * 160, i * 160 + 160))]);
      call.talk(throughG711(silence(60)));
    }
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16 } });
    call.talk(throughG711(silence(700)));
    const sentToOperator = call.operatorSocket.sent.map(({ packet }) => (packet[1] as number) & 0x7f);
    expect(sentToOperator.every((pt) => pt === 8)).toBe(true);
    expect(decodeDtmf(call.operatorSocket.audio())).toBe('');
    expect(call.vault.bridgeTotals()).toMatchObject({ operatorLegs: 1, eventsDropped: 17 * 6 });
  });

  it("never lets a key from the operator's leg into a capture", async () => {
    const call = await bridgedCall();
    const outcome = call.vault.capture(
      call.sessionId,
      { ...cardNumber, firstDigitTimeoutMs: 5000, maxAttempts: 1 },
      () => {},
    );
    for (const key of '4242') call.step(undefined, call.operator.keyPress(Number(key)));
    const tones = throughG711(keySequence('4242424242424242', 70, 80));
    call.talk(throughG711(silence(tones.length / 8)), tones);
    expect(call.vault.counters(call.sessionId).keys).toBe(0);
    // The operator's tones are only audio the caller hears.
    expect(decodeDtmf(call.callerSocket.audio())).toBe('4242424242424242');
    call.talk(throughG711(silence(3000)));
    expect(await outcome).toEqual({ status: 'failed' });
  });

  it("follows each leg's hold: nothing sent to a leg on hold, and a held leg never times out", async () => {
    const call = await bridgedCall('PCMA', 2000);
    const voice = throughG711(speechLike(400, 6));
    call.vault.setLegDirection(call.sessionId, 'operator', 'inactive');
    const sentBefore = call.operatorSocket.sent.length;
    call.talk(voice);
    call.talk(throughG711(silence(3000))); // 3 s without the operator's RTP, rtpSilenceMs is 2 s
    expect(call.operatorSocket.sent.length).toBe(sentBefore);
    expect(call.events).toEqual([]);

    call.vault.setLegDirection(call.sessionId, 'operator', 'sendrecv');
    call.talk(voice);
    expect(call.operatorSocket.sent.length).toBeGreaterThan(sentBefore + 15);
    call.talk(throughG711(silence(2100)));
    expect(call.events).toEqual([{ type: 'leg_ended', leg: 'operator', reason: 'rtp_silence' }]);
    expect(call.operatorSocket.closed).toBe(true);

    // The caller's leg on hold: nothing sent to it, no RTP from it for longer than the limit.
    call.vault.setLegDirection(call.sessionId, 'caller', 'inactive');
    const callerSent = call.callerSocket.sent.length;
    for (let i = 0; i < 150; i++) call.step();
    expect(call.callerSocket.sent.length).toBe(callerSent);
    expect(call.vault.sessionCount).toBe(1);
    call.vault.setLegDirection(call.sessionId, 'caller', 'sendrecv');
    for (let i = 0; i < 110; i++) call.step();
    expect(call.events.at(-1)).toEqual({ type: 'session_ended', reason: 'rtp_silence' });
  });

  it("closing the operator's leg leaves an IVR-only call; the session's end is reported and ends the watch", async () => {
    const call = await bridgedCall();
    await expect(call.vault.openOperatorLeg(call.sessionId)).rejects.toThrow(LegStateError);
    const { counters } = call.vault.closeOperatorLeg(call.sessionId);
    expect(counters.keys).toBe(0);
    expect(call.operatorSocket.closed).toBe(true);
    expect(() => call.vault.setLegDirection(call.sessionId, 'operator', 'inactive')).toThrow(LegStateError);
    expect(() => call.vault.closeOperatorLeg(call.sessionId)).toThrow(LegStateError);
    const outcome = call.vault.capture(call.sessionId, cardNumber, () => {});
    call.talk(throughG711(keySequence(`${PAN}#`, 70, 80)));
    expect(await outcome).toMatchObject({ status: 'completed' });
    await call.vault.openOperatorLeg(call.sessionId); // the operator may be called again

    call.vault.close(call.sessionId, 'hangup');
    expect(call.events).toEqual([
      { type: 'leg_ended', leg: 'operator', reason: 'closed' },
      { type: 'session_ended', reason: 'hangup' },
    ]);
    expect(() => call.vault.watch(call.sessionId, () => {})).toThrow(SessionNotFoundError);
    await expect(call.vault.openOperatorLeg(call.sessionId)).rejects.toThrow(SessionNotFoundError);
  });
});
