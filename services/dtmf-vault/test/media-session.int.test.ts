import { g711Frames, keySequence, silence } from '@ivr/testkit/dtmf-signals';
import { SessionNotFoundError, type Vault } from '../src/app/vault';
import type { CaptureUpdate } from '../src/capture/field-capture';
import { PromptStore } from '../src/prompts/prompt-store';
import { pause, RtpPeer } from './support/rtp-peer';
import { captureRequest as capture, createTestVault, refusingTokenizer } from './support/vault-harness';

describe('media session over real UDP', () => {
  let vault: Vault;
  const peers: RtpPeer[] = [];

  beforeEach(() => {
    vault = createTestVault(refusingTokenizer).vault;
  });

  afterEach(() => {
    vault.closeAll('shutdown');
    for (const p of peers.splice(0)) p.close();
  });

  async function openWithPeer(codec: 'PCMU' | 'PCMA' = 'PCMU') {
    const opened = await vault.open({ offeredCodecs: [codec] });
    const peer = await RtpPeer.open({ address: opened.address, port: opened.port });
    peers.push(peer);
    return { opened, peer };
  }

  it('captures a card number sent as RFC 4733 events, ignoring garbage, duplicates and foreign streams', async () => {
    const { opened, peer } = await openWithPeer();
    const updates: CaptureUpdate[] = [];
    const outcome = vault.capture(opened.sessionId, capture('card_number'), (u) => updates.push(u));

    await peer.sendAudio(g711Frames(silence(100))); // the phone's stream starts: the vault learns it
    await peer.sendRaw(Uint8Array.of(1, 2, 3)); // too short
    await peer.sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n')); // not RTP
    await peer.sendRaw(Uint8Array.of(0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1)); // 15 CSRCs announced, none there
    await peer.sendKeys('9999', { ssrc: 0x0bad_0bad }); // a foreign stream's digits must not count
    await peer.sendKeys('42424242', { duplicate: true });
    await peer.sendKeys('42424242#');

    const result = await outcome;
    expect(result).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'visa' } });
    expect(
      updates.filter((u) => u.type === 'progress').map((u) => (u.type === 'progress' ? u.digitsEntered : 0)),
    ).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(JSON.stringify(updates)).not.toMatch(/42424/);
    const counters = vault.counters(opened.sessionId);
    expect(counters.garbage).toBe(3);
    expect(counters.foreignSsrc).toBeGreaterThanOrEqual(32);
    expect(counters.keys).toBe(17);
    // Symmetric RTP: the vault answers to the port the phone sends from.
    await peer.waitFor(() => peer.received.length > 3, 'RTP from the vault');
    expect(peer.received[0]).toMatchObject({ payloadType: 0 });
  });

  it('a cancel of a capture that already ended leaves the next capture alone', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const first = new AbortController();
    const confirm = vault.capture(
      opened.sessionId,
      capture('digits', { promptIds: ['press-1-to-confirm'], minLength: 1, maxLength: 1 }),
      () => {},
      first.signal,
    );
    await pause(50);
    await peer.sendKeys('1');
    expect(await confirm).toMatchObject({ status: 'completed' });

    const expiry = vault.capture(opened.sessionId, capture('expiry'), () => {}, new AbortController().signal);
    first.abort(); // the first field's stream is cancelled late (after its result was sent)
    await pause(50);
    await peer.sendKeys('1230');
    expect(await expiry).toMatchObject({ status: 'completed', update: { digitsEntered: 4 } });
  });

  it('a cancel of the running capture ends it and lets the next one start', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const cancelled = new AbortController();
    const card = vault.capture(opened.sessionId, capture('card_number'), () => {}, cancelled.signal);
    await pause(50);
    await peer.sendKeys('4242');
    cancelled.abort();
    expect(await card).toEqual({ status: 'closed' });
    const expiry = vault.capture(opened.sessionId, capture('expiry'), () => {});
    await pause(50);
    await peer.sendKeys('1230');
    expect(await expiry).toMatchObject({ status: 'completed' });
  });

  it('captures digits sent as in-band tones in a G.711 A-law stream', async () => {
    const { opened, peer } = await openWithPeer('PCMA');
    const outcome = vault.capture(opened.sessionId, capture('card_number'), () => {});
    await peer.sendAudio(g711Frames(keySequence('5555555555554444', 80, 80), 'PCMA'), 8);
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 16, brand: 'mastercard' } });
  });

  it('returns the digits of a plain field and reports invalid card entries with attempts left', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const confirm = vault.capture(
      opened.sessionId,
      capture('digits', { promptIds: ['press-1-to-confirm'], minLength: 1, maxLength: 1 }),
      () => {},
    );
    await peer.sendKeys('1');
    expect(await confirm).toMatchObject({ status: 'completed', update: { plainDigits: '1' } });

    const updates: CaptureUpdate[] = [];
    const expiry = vault.capture(opened.sessionId, capture('expiry'), (u) => updates.push(u));
    await peer.sendKeys('1399'); // month 13
    await peer.sendKeys('1230');
    expect(await expiry).toMatchObject({ status: 'completed' });
    expect(updates).toContainEqual({ type: 'invalid', reason: 'bad_month', attemptsLeft: 2 });
  });

  it('plays a prompt paced as 20 ms packets, and a key cuts it short when barge-in is on', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const prompt = PromptStore.load().get('en', 'welcome');
    const before = peer.received.length;
    expect(await vault.play(opened.sessionId, { promptIds: ['welcome'], language: 'en', bargeIn: false })).toBe(
      'completed',
    );
    await pause(100);
    const sent = peer.received.slice(before);
    const audio = Buffer.concat(sent.map((p) => p.payload));
    expect(audio.includes(Buffer.from(prompt.subarray(0, 320)))).toBe(true);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]?.sequenceNumber).toBe(((sent[i - 1]?.sequenceNumber ?? 0) + 1) & 0xffff);
      expect(sent[i]?.timestamp).toBe(((sent[i - 1]?.timestamp ?? 0) + 160) >>> 0);
    }

    const outcome = vault.capture(
      opened.sessionId,
      capture('security_code', { promptIds: ['enter-security-code', 'enter-security-code'] }),
      () => {},
    );
    await pause(200);
    await peer.sendKeys('123');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 3 } });
    // The two prompts last seconds; after the first key the vault sends only silence.
    await pause(200);
    const tail = peer.received.slice(-5);
    expect(tail.every((p) => p.payload.every((b) => b === 0xff))).toBe(true);
  });

  it('a new prompt cuts the one playing, and a filler asked only if idle never cuts one', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const play = (promptIds: Parameters<Vault['play']>[1]['promptIds'], ifIdle = false) =>
      vault.play(opened.sessionId, { promptIds, language: 'en', bargeIn: false, ifIdle });
    // "please wait" playing, then the result: the result cuts it.
    const filler = play(['please-wait'], true);
    await pause(60);
    const result = play(['approved']);
    expect(await filler).toBe('stopped');
    // A filler that comes while the result plays is not played: the result goes on to its end.
    expect(await play(['please-wait'], true)).toBe('stopped');
    expect(await result).toBe('completed');
  });

  it('closes a session on request, wipes the card and refuses later calls', async () => {
    const { opened, peer } = await openWithPeer();
    await peer.sendAudio(g711Frames(silence(40)));
    const outcome = vault.capture(opened.sessionId, capture('card_number'), () => {});
    await peer.sendKeys('3782822463');
    await pause(50);
    const counters = vault.close(opened.sessionId, 'hangup');
    expect(await outcome).toEqual({ status: 'closed' });
    expect(counters?.keys).toBe(10);
    await expect(vault.play(opened.sessionId, { promptIds: [], language: 'en', bargeIn: false })).rejects.toThrow(
      SessionNotFoundError,
    );
  });

  it('refuses plain-digit fields long enough to hold a card number', async () => {
    const { opened } = await openWithPeer();
    await expect(
      vault.capture(opened.sessionId, capture('digits', { minLength: 1, maxLength: 16 }), () => {}),
    ).rejects.toThrow(/max <= 12/);
  });

  it('counts a key once when the phone sends both RFC 4733 events and the tones in the audio', async () => {
    const { opened, peer } = await openWithPeer();
    const outcome = vault.capture(opened.sessionId, capture('security_code'), () => {});
    const tones = g711Frames(keySequence('7', 100, 60));
    await peer.sendAudio(tones.slice(0, 2));
    await peer.sendKeys('7'); // the event arrives first, then the audio with the same tone
    await peer.sendAudio(tones.slice(2));
    await peer.sendKeys('12');
    expect(await outcome).toMatchObject({ status: 'completed', update: { digitsEntered: 3 } });
    expect(vault.counters(opened.sessionId).keys).toBe(3);
  });

  it('hears only the SDP host, from the first port it sends from: other hosts and ports are dropped', async () => {
    const opened = await vault.open({ offeredCodecs: ['PCMU'], sdpPeer: { address: '127.0.0.1', port: 9 } });
    const stranger = await RtpPeer.open({ address: opened.address, port: opened.port }, 0x77, '127.0.0.2');
    const phone = await RtpPeer.open({ address: opened.address, port: opened.port });
    const impostor = await RtpPeer.open({ address: opened.address, port: opened.port }, 0x1234_5678);
    peers.push(stranger, phone, impostor);
    const outcome = vault.capture(
      opened.sessionId,
      capture('digits', { promptIds: ['enter-transfer-code'], minLength: 2, maxLength: 2 }),
      () => {},
    );
    await stranger.sendKeys('99'); // another host, before anyone: dropped
    await phone.sendKeys('1'); // the SDP host, from a port of its own: learnt and locked
    await impostor.sendKeys('9'); // the SDP host, another port, the phone's SSRC: dropped
    await phone.sendKeys('2');
    expect(await outcome).toMatchObject({ status: 'completed', update: { plainDigits: '12' } });
    expect(vault.counters(opened.sessionId).wrongSource).toBe(16 + 8);
    // Symmetric RTP: the vault now answers the phone, not the SDP port.
    await phone.waitFor(() => phone.received.length > 0, 'RTP at the phone');
    expect(stranger.received).toHaveLength(0);
  });

  it('ends a session at its maximum age, ending its capture and wiping what was typed', async () => {
    const short = createTestVault(refusingTokenizer, { maxSessionMs: 400 }).vault;
    const opened = await short.open({ offeredCodecs: ['PCMU'] });
    const peer = await RtpPeer.open({ address: opened.address, port: opened.port });
    peers.push(peer);
    const outcome = short.capture(opened.sessionId, capture('card_number'), () => {});
    await peer.sendKeys('4242');
    expect(await outcome).toEqual({ status: 'closed' });
    expect(short.sessionCount).toBe(0);
    await expect(short.play(opened.sessionId, { promptIds: [], language: 'en', bargeIn: false })).rejects.toThrow(
      /expired/,
    );
  });

  it('expires sessions whose peer falls silent', async () => {
    const short = createTestVault(refusingTokenizer, { rtpSilenceMs: 200 }).vault;
    const opened = await short.open({ offeredCodecs: ['PCMA', 'PCMU'] });
    expect(opened.codec).toBe('PCMA');
    await pause(500);
    expect(short.sessionCount).toBe(0);
    await expect(short.registerCard(opened.sessionId, 'k')).rejects.toThrow(/rtp_silence/);
  });
});
