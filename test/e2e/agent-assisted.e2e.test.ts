/**
 * Agent-assisted payments with real phones (issue 15): a caller's, an operator's and the call centre's PBX
 * (Kamailio) in front of the whole real system (vault, call-control, order-link, authorization). The
 * operator's phone blind-transfers the caller to the IVR; call-control answers and at once calls the
 * operator's phone back through the PBX with the vault's operator leg, and the vault bridges the two: the
 * operator hears the IVR's prompts and the caller, the caller hears the operator, and while a card field
 * is keyed the operator hears a flat tone instead of the keys. The operator's phone records what it heard
 * (baresip `sndfile`); two DTMF decoders that are not the vault's (the Goertzel of
 * @ivr/testkit/reference-dtmf and Debian's multimon-ng) find no key in it, for a caller keying RFC 4733
 * events and for one keying in-band tones (a PBX that strips telephone-event). The same decoder finds the
 * card in what the in-band caller sent, and the key that caller presses after the result (outside capture)
 * in what the operator heard: it is not deaf. Keys the operator presses during the card number never reach
 * the capture (the payment is approved with the caller's card). The caller's talk before and after the
 * card is in the operator's recording at its level, and the operator's in the caller's. After the result
 * the bridge stays up until one side hangs up (the caller in one call, the operator in the other), and the
 * IVR then ends the other leg. Then the leak scan of topics, tables, logs and heaps.
 *
 * Faults of the operator's leg with real phones: the operator busy, and the operator hanging up mid-card;
 * either way the caller is told (the prompt is in the caller's recording), pays with the IVR alone and is
 * transferred back. No answer, hold and a lost vault session are proved below the e2e tier
 * (services/call-control/test/operator-leg.unit.test.ts, services/dtmf-vault/test/bridge*.test.ts).
 *
 * One payment system and two proxies for the file; each test runs its two calls side by side.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Found, locate, readUlaw, talk } from '@ivr/testkit/audio-match';
import { type BaresipPhone, BaresipPhone as Phone } from '@ivr/testkit/baresip';
import { keySequence } from '@ivr/testkit/dtmf-signals';
import { Kamailio } from '@ivr/testkit/kamailio';
import { confirmAmount, type KeyPad, keyCard, payloadOf as pay } from '@ivr/testkit/payment-caller';
import { type CreatedPayment, PaymentSystem } from '@ivr/testkit/payment-system';
import { decodeDtmf, multimonAvailable, multimonDecode } from '@ivr/testkit/reference-dtmf';
import { scan } from '../../scripts/pan-scan';

// Published test cards only (Stripe's list, as the PSP simulator knows them).
const APPROVE = '4242424242424242';
const MASTERCARD = '5555555555554444';
// Security codes unlikely to occur by chance next to a card-ish key, so the scan can look for them.
const CVV = '917';
const CVV_INBAND = '628';
const CVV_FAULTS = '735';

let system: PaymentSystem;
let pbx: Kamailio;
let inband: Kamailio;
const phones: BaresipPhone[] = [];
let names = 0;

beforeAll(async () => {
  system = await PaymentSystem.start({ 'call-control': { CONFIRM_FIRST_DIGIT_TIMEOUT_MS: '3000' } });
  const ivrUri = `sip:127.0.0.1:${system.sipPort}`;
  [pbx, inband] = await Promise.all([
    Kamailio.start({ ivrUri }),
    // A trunk that carries DTMF only in the audio: the caller's keys are tones the vault hears and masks.
    Kamailio.start({ ivrUri, stripTelephoneEvent: true }),
  ]);
}, 180_000);

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await Promise.all([pbx, inband].map((p) => p?.stop()));
  await system?.stop();
});

/** A phone registered with a proxy, recording its calls; stopped after the test. */
async function phone(role: string, at: Kamailio, answerMode: 'auto' | 'manual' = 'manual'): Promise<BaresipPhone> {
  const p = await Phone.start({ name: `${role}${++names}`, proxy: at.address, answerMode, record: true });
  phones.push(p);
  await p.registered();
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function assisted(operator: BaresipPhone, mode: 'CAPTURE' | 'REGISTER_CARD'): Promise<CreatedPayment> {
  return system.createPayment({ returnSipAddress: operator.aor, mode, language: 'en', callMode: 'AGENT_ASSISTED' });
}

/**
 * How a phone heard a sound another played (or the IVR): the sound's 400 ms pieces looked for each on its
 * own near where the whole was found, so that a gap in what the phone received (a starved machine: the
 * bridge forwards what arrives, late or not) moves the rest without losing it. `share` is the part of the
 * voiced pieces found (correlation 0.4 or more: a prompt may play over it), `gainDb` their median level against what was played.
 */
function heardAs(
  sound: ArrayLike<number>,
  heard: Int16Array,
  whole = locate(sound, heard),
): { share: number; gainDb: number } {
  if (!whole) return { share: 0, gainDb: Number.NEGATIVE_INFINITY };
  const from = Math.max(0, whole.offset - 8000);
  const near = heard.subarray(from, Math.min(heard.length, whole.offset + sound.length + 16_000));
  const gains: number[] = [];
  let voiced = 0;
  for (let start = 0; start + 3200 <= sound.length; start += 3200) {
    const piece = Array.prototype.slice.call(sound, start, start + 3200) as number[];
    if (piece.reduce((e, x) => e + x * x, 0) / 3200 < 1000 ** 2) continue; // a pause
    voiced++;
    const at = locate(piece, near);
    if (at && at.correlation >= 0.4) gains.push(at.gainDb);
  }
  gains.sort((x, y) => x - y);
  return {
    share: voiced === 0 ? 0 : gains.length / voiced,
    gainDb: gains.length === 0 ? Number.NEGATIVE_INFINITY : (gains[Math.floor(gains.length / 2)] as number),
  };
}

/** The sound reached the phone, and (talk) within 3 dB of its level. */
function expectHeard(sound: ArrayLike<number>, heard: Int16Array, o: { whole?: Found; atItsLevel: boolean }): void {
  const { share, gainDb } = heardAs(sound, heard, o.whole ?? locate(sound, heard));
  // Reached the phone: pieces of it found where it was played. How many is not asserted: a short sound has
  // three or four 400 ms pieces, and a stall of a loaded machine (gaps up to 160 ms) or the masker right
  // after a field costs one or two of them. What is never heard fails; the keys are judged apart, strictly.
  expect(share).toBeGreaterThan(0);
  if (o.atItsLevel) expect(Math.abs(gainDb)).toBeLessThan(3);
}

/** Where a sound starts in a recording (samples); fails the test if it is not there. */
function found(sound: ArrayLike<number>, heard: Int16Array): number {
  const at = locate(sound, heard);
  if (!at) throw new Error('the sound is not in the recording');
  return at.offset;
}

/**
 * The recording without the IVR's own prompts, for the DTMF judges: multimon-ng hears a '1' in the
 * synthetic voice of "enter your card number" (at some alignments), which is not the caller's key. Each
 * 400 ms piece of a prompt found in `heard` is located on its own near the whole (a gap in what the phone
 * received moves the rest) and subtracted there (same G.711 samples, 0 dB), frame by frame and only where
 * that takes energy away, so nothing else in the frame (a leaked tone among them) is removed or added.
 * `from` is what it is subtracted from (`heard`, or `heard` with something planted).
 */
function withoutPrompts(heard: Int16Array, from: ArrayLike<number> = heard): Int16Array {
  const out = Float64Array.from(from);
  for (const id of PROMPTS_DURING_THE_CALL) {
    const prompt = promptOf(id);
    const whole = promptIn(id, heard);
    if (!whole) continue;
    const near = Math.max(0, whole.offset - 8000);
    const window = heard.subarray(near, Math.min(heard.length, whole.offset + prompt.length + 16_000));
    for (let start = 0; start < prompt.length; start += 3200) {
      const piece = prompt.subarray(start, Math.min(prompt.length, start + 3200));
      const at = piece.length === 3200 ? locate(piece, window) : undefined;
      // The piece's own place, else where the whole put it (a short last piece, a pause, a masked stretch).
      const offset = at && at.correlation >= 0.3 ? near + at.offset : whole.offset + start;
      for (let f = 0; f < piece.length; f += 160) {
        let before = 0;
        let after = 0;
        const end = Math.min(piece.length, f + 160, heard.length - offset);
        for (let k = f; k < end; k++) {
          const x = out[offset + k] as number;
          before += x * x;
          after += (x - (piece[k] as number)) ** 2;
        }
        if (after < before) for (let k = f; k < end; k++) (out[offset + k] as number) -= piece[k] as number;
      }
    }
  }
  return Int16Array.from(out, (x) => Math.max(-32768, Math.min(32767, Math.round(x))));
}

const PROMPTS_DURING_THE_CALL = [
  'enter-card-number',
  'enter-expiry',
  'enter-security-code',
  'please-wait',
  'approved',
  'registered',
];

const promptsFound = new WeakMap<Int16Array, Map<string, Found | undefined>>();

/** Where a prompt was played in a recording (located once per recording: the search is not cheap). */
function promptIn(id: string, heard: Int16Array): Found | undefined {
  const byId = promptsFound.get(heard) ?? new Map<string, Found | undefined>();
  promptsFound.set(heard, byId);
  if (!byId.has(id)) byId.set(id, locate(promptOf(id), heard));
  return byId.get(id);
}

/** A recorded prompt of the vault (English), as a phone hears it. */
function promptOf(id: string): Int16Array {
  return readUlaw(join(__dirname, '..', '..', 'services', 'dtmf-vault', 'assets', 'prompts', 'en', `${id}.ul`));
}

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'agent-assisted');

/** Keeps a recording for whoever reads a failed run (16-bit 8 kHz WAV). */
function keep(name: string, samples: Int16Array): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.byteLength, 40);
  writeFileSync(
    join(ARTIFACTS, `${name}.wav`),
    Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]),
  );
}

/** The phone's latest established call has not closed. */
function stillUp(ph: BaresipPhone): boolean {
  const latest = ph.events.filter((e) => e.type === 'CALL_ESTABLISHED').at(-1);
  return latest !== undefined && !ph.events.some((e) => e.type === 'CALL_CLOSED' && e.id === latest.id);
}

interface Talk {
  before: Float64Array;
  after: Float64Array;
  operator: Float64Array;
}

const voices = (seed: number): Talk => ({
  before: talk(2500, seed),
  after: talk(2500, seed + 1),
  operator: talk(2500, seed + 2),
});

/**
 * An agent-assisted payment from the operator's answer on: talk before the card, the card keyed (RFC 4733
 * or in band), the result, then both talk on through the bridge until `hangsUp` hangs up and the IVR
 * ends the other leg. Returns what each phone heard.
 */
async function payWithOperator(o: {
  caller: BaresipPhone;
  operator: BaresipPhone;
  p: CreatedPayment;
  card: { pan: string; expiry: string; securityCode: string };
  press?: KeyPad;
  /** The amount is read back and confirmed (CAPTURE; not REGISTER_CARD). */
  confirm: boolean;
  /** While the card number is keyed, the operator presses keys too (RFC 4733 on the operator's leg). */
  operatorKeys?: string;
  /** After the result (outside capture), the caller presses this key: the operator hears it. */
  keyAfter?: string;
  hangsUp: 'caller' | 'operator';
  voices: Talk;
}) {
  const { caller, operator, p, voices } = o;
  const answered = await system.callEvent(p.paymentId, 'OperatorLegAnswered', {}, 30_000);
  expect(pay(answered)).toMatchObject({ purpose: 'AGENT_ASSISTED', target: operator.aor });
  await caller.sendAudio(voices.before);
  await sleep(voices.before.length / 8 + 2000); // baresip starts a new audio source late on a busy machine
  if (o.confirm) await confirmAmount(system, caller, p, o.press);
  else await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'CARD_NUMBER' }, 60_000);
  const operatorKeys = o.operatorKeys
    ? sleep(300).then(() => operator.sendDigits(o.operatorKeys ?? '', 150))
    : Promise.resolve();
  await keyCard(system, caller, p, o.card, o.press);
  await operatorKeys;
  const completed = await system.paymentCompleted(p.paymentId, 60_000);
  expect(pay(completed).outcome).toBe('APPROVED');
  // No transfer: the bridge stays up, and they talk on.
  expect(pay(await system.callEvent(p.paymentId, 'CallReturnedToOperator', {}, 60_000))).toMatchObject({
    method: 'BRIDGE',
    outcome: 'SUCCEEDED',
  });
  await sleep(3000); // the result's prompt
  await caller.sendAudio(voices.after);
  await sleep(voices.after.length / 8 + 2000);
  if (o.keyAfter) {
    await caller.sendTones(o.keyAfter);
    await sleep(800);
  }
  await operator.sendAudio(voices.operator);
  await sleep(voices.operator.length / 8 + 2500);
  // The bridge outlived the result: neither phone's call with the IVR has closed.
  for (const ph of [caller, operator]) expect(stillUp(ph)).toBe(true);
  const [leaving, other] = o.hangsUp === 'caller' ? [caller, operator] : [operator, caller];
  const since = other.events.length;
  await leaving.hangup();
  // A BYE on one leg ends the other.
  await other.waitForEvent('CALL_CLOSED', { since, timeoutMs: 20_000 });
  expect(pay(await system.callEvent(p.paymentId, 'OperatorLegEnded'))).toMatchObject({
    reason: o.hangsUp === 'caller' ? 'CALLER_LEG_ENDED' : 'OPERATOR_HUNG_UP',
  });
  expect(pay(await system.callEvent(p.paymentId, 'CallEnded'))).toMatchObject({ reason: 'OPERATOR_STAYED_ON' });
  await sleep(500); // baresip closes its recordings as the call ends
  return { operatorHeard: operator.recording('heard'), callerHeard: caller.recording('heard'), completed };
}

test('the operator stays on the line: hears the IVR and the caller, never a card key (RFC 4733 and in-band callers), and talks with the caller after the result', async () => {
  const rfc4733 = async () => {
    const operator = await phone('operator', pbx, 'auto');
    const caller = await phone('customer', pbx);
    const p = await assisted(operator, 'CAPTURE');
    // The caller rings the operator's desk phone through the PBX; the operator blind-transfers them.
    await caller.dial(operator.aor);
    await caller.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 30_000 });
    await operator.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 30_000 });
    await sleep(1100); // the recordings of one phone are named by the second their call started
    await operator.transfer(`sip:${p.transferCode}@${pbx.address}`);
    const v = voices(100);
    const heard = await payWithOperator({
      caller,
      operator,
      p,
      card: { pan: APPROVE, expiry: '1234', securityCode: CVV },
      confirm: true,
      operatorKeys: '9999',
      hangsUp: 'caller',
      voices: v,
    });
    return { heard, v, caller, operator, p };
  };
  const inBand = async () => {
    const operator = await phone('operator', inband, 'auto');
    const caller = await phone('customer', inband);
    const p = await assisted(operator, 'REGISTER_CARD');
    await caller.dial(`sip:${p.transferCode}@${inband.address}`);
    await caller.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 30_000 });
    const v = voices(200);
    const tones: KeyPad = (digits) => caller.sendTones(digits);
    const heard = await payWithOperator({
      caller,
      operator,
      p,
      card: { pan: MASTERCARD, expiry: '0730', securityCode: CVV_INBAND },
      press: tones,
      confirm: false,
      keyAfter: '5',
      hangsUp: 'operator',
      voices: v,
    });
    return { heard, v, caller, operator, p };
  };
  const [a, b] = await Promise.all([rfc4733(), inBand()]);

  for (const [name, { heard }] of [
    ['rfc4733', a],
    ['in-band', b],
  ] as const) {
    keep(`${name}-operator-heard`, heard.operatorHeard);
    keep(`${name}-caller-heard`, heard.callerHeard);
  }
  // The independent decoders are not deaf: they find the card in what the in-band caller sent.
  expect(decodeDtmf(b.caller.recording('sent'))).toContain(MASTERCARD);
  if (multimonAvailable()) expect(multimonDecode(b.caller.recording('sent'))).toContain(MASTERCARD);
  for (const [{ heard, v }, result, keyAfter] of [
    [a, 'approved', ''],
    [b, 'registered', '5'],
  ] as const) {
    // What the operator heard from the card number's prompt to the result's (the three card fields), the
    // IVR's prompts taken out.
    const judged = withoutPrompts(heard.operatorHeard);
    const capture = judged.subarray(
      promptIn('enter-card-number', heard.operatorHeard)?.offset ?? 0,
      promptIn(result, heard.operatorHeard)?.offset ?? 0,
    );
    expect(capture.length).toBeGreaterThan(8000 * 5);
    // Not one key in it: the RFC 4733 caller's events were not played to the operator as tones, and the
    // in-band caller's tones were masked from their onset.
    expect(decodeDtmf(capture)).toBe('');
    if (multimonAvailable()) expect(multimonDecode(capture)).toBe('');
    // Taking the prompts out hides no key: tones planted over the card number's prompt are still heard.
    const start = promptIn('enter-card-number', heard.operatorHeard)?.offset ?? 0;
    const planted = Float64Array.from(heard.operatorHeard);
    const tones = keySequence('4242', 70, 70);
    for (let i = 0; i < tones.length && start + i < planted.length; i++) {
      planted[start + i] = (planted[start + i] as number) + (tones[i] as number);
    }
    expect(decodeDtmf(withoutPrompts(heard.operatorHeard, planted).subarray(start, start + tones.length))).toBe('4242');
    // After the result (outside capture) the bridge is transparent: the in-band caller's key passed, and is
    // all that decodes in the talk after the card.
    const after = judged.subarray(found(v.after, heard.operatorHeard));
    expect(decodeDtmf(after)).toBe(keyAfter);
    if (multimonAvailable()) expect(multimonDecode(after)).toBe(keyAfter);
  }
  for (const [{ heard, v }, prompts] of [
    [a, ['enter-card-number', 'approved']],
    // (The in-band caller keys over the card number's prompt, and the result comes right after the last
    // key: the operator hears those masked in places.)
    [b, ['registered']],
  ] as const) {
    // The IVR's prompts reached the operator (right after a field, the masker may still flatten a part).
    for (const id of prompts) {
      expectHeard(promptOf(id), heard.operatorHeard, { whole: promptIn(id, heard.operatorHeard), atItsLevel: false });
    }
    // The caller's talk before and after the card reached the operator at its level; the operator's
    // reached the caller.
    expectHeard(v.before, heard.operatorHeard, { atItsLevel: true });
    expectHeard(v.after, heard.operatorHeard, { atItsLevel: true });
    expectHeard(v.operator, heard.callerHeard, { atItsLevel: true });
  }
  // The operator's keys during the card number entered no capture: the caller's card was charged.
  expect(pay(a.heard.completed)).toMatchObject({ outcome: 'APPROVED' });
  expect(await system.charges(a.p.paymentId)).toBe(1);
  expect(pay(b.heard.completed)).toMatchObject({ outcome: 'APPROVED', mode: 'REGISTER_CARD' });
}, 300_000);

test("the operator's leg fails: busy (told, pays alone, transferred back), or leaves mid-card (told, the payment completes, transferred back)", async () => {
  /**
   * After the result the IVR-only caller is REFERred back to the operator, who answers this time; returns
   * what the caller heard on the IVR's call.
   */
  const transferredBack = async (caller: BaresipPhone, p: CreatedPayment) => {
    expect(pay(await system.callEvent(p.paymentId, 'CallReturnedToOperator', {}, 60_000))).toMatchObject({
      method: 'REFER',
      outcome: 'SUCCEEDED',
    });
    expect(pay(await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000)).reason).toBe('RETURNED_TO_OPERATOR');
    await sleep(500); // baresip closes its recording as the IVR's call ends
    // The caller's latest call is the one to the operator now: the IVR's is the one before.
    return caller.recording('heard', 1);
  };
  const busy = async () => {
    const operator = await phone('operator', pbx);
    const caller = await phone('customer', pbx);
    const p = await assisted(operator, 'CAPTURE');
    const since = operator.events.length;
    await caller.dial(`sip:${p.transferCode}@${pbx.address}`);
    await caller.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 30_000 });
    await operator.waitForEvent('CALL_INCOMING', { since, timeoutMs: 30_000 });
    await operator.hangup(); // 486 Busy Here
    expect(pay(await system.callEvent(p.paymentId, 'OperatorLegFailed'))).toMatchObject({
      purpose: 'AGENT_ASSISTED',
      reason: 'BUSY',
      sipStatus: 486,
    });
    await confirmAmount(system, caller, p);
    // "Your operator could not join this call..." (5 s, not interruptible) may play before the card
    // number's prompt: keys pressed during it are not taken, so the caller waits for it, as a caller would.
    await sleep(6000);
    await keyCard(system, caller, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_FAULTS });
    expect(pay(await system.paymentCompleted(p.paymentId, 60_000)).outcome).toBe('APPROVED');
    const back = operator.events.length;
    await operator.waitForEvent('CALL_INCOMING', { since: back, timeoutMs: 60_000 });
    await operator.accept();
    const callerHeard = await transferredBack(caller, p);
    expect(locate(promptOf('operator-unavailable'), callerHeard)?.correlation ?? 0).toBeGreaterThan(0.5);
  };
  const leaves = async () => {
    const operator = await phone('operator', pbx, 'auto');
    const caller = await phone('customer', pbx);
    const p = await assisted(operator, 'CAPTURE');
    await caller.dial(`sip:${p.transferCode}@${pbx.address}`);
    await caller.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 30_000 });
    expect(pay(await system.callEvent(p.paymentId, 'OperatorLegAnswered', {}, 30_000))).toMatchObject({
      purpose: 'AGENT_ASSISTED',
    });
    await confirmAmount(system, caller, p);
    // The operator hangs up while the caller keys the card number.
    await caller.sendDigits('*4242');
    await operator.hangup();
    expect(pay(await system.callEvent(p.paymentId, 'OperatorLegEnded'))).toMatchObject({ reason: 'OPERATOR_HUNG_UP' });
    await caller.sendDigits('424242424242#');
    await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'EXPIRY' });
    await sleep(4000); // "your operator has left the call", then the expiry's prompt
    await caller.sendDigits('1234');
    await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'SECURITY_CODE' });
    await caller.sendDigits(CVV_FAULTS);
    expect(pay(await system.paymentCompleted(p.paymentId, 60_000)).outcome).toBe('APPROVED');
    const back = operator.events.length;
    await operator.waitForEvent('CALL_ESTABLISHED', { since: back, timeoutMs: 60_000 });
    const callerHeard = await transferredBack(caller, p);
    expect(locate(promptOf('operator-left'), callerHeard)?.correlation ?? 0).toBeGreaterThan(0.5);
  };
  await Promise.all([busy(), leaves()]);
}, 240_000);

test('leak scan: no topic, table, log, trace or service heap holds a card number or security code', async () => {
  for (const name of ['call-control', 'order-link', 'authorization', 'notification']) {
    await system.service(name).heapSnapshot();
  }
  const { hits, stats } = await scan({
    pans: [APPROVE, MASTERCARD],
    securityCodes: [CVV, CVV_INBAND, CVV_FAULTS],
    since: system.startedAt,
  });
  expect(stats.counts.get('heap')?.items).toBeGreaterThanOrEqual(4);
  expect(stats.counts.get('kafka')?.items).toBeGreaterThan(0);
  expect(hits).toEqual([]);
});
