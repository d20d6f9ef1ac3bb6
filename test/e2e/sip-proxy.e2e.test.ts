/**
 * Payment calls the way a call centre runs them (issue 17, item 1): every phone registers with the
 * call centre's PBX (Kamailio, infra/kamailio/kamailio.cfg), the caller calls an operator through it,
 * the operator's phone blind-transfers the caller to the IVR (REFER, the transfer code in the Refer-To
 * URI), the caller's phone calls the IVR through the proxy, pays, and the IVR hands it back to the
 * operator through the proxy (REFER along the dialog's route set). Also: the caller keying the code
 * (during the welcome), a PBX that refuses REFER (the IVR calls the operator back and bridges them; with
 * nobody at the return address the call-back fails), a hand-back whose target the PBX rejects (both as the
 * operator's console is told), a trunk that carries DTMF only in the audio, the PBX talking to the IVR
 * over SIP/TLS (mutual TLS), and the PBX restarting mid-call.
 *
 * One payment system and four proxies for the whole file (the same call-control behind each): `pbx`
 * relays REFER and keeps its location table across a restart, `strict` refuses REFER (403), `inband`
 * strips telephone-event from offers to the IVR, `trunk` reaches the IVR over TLS. Each call has its
 * own phones (an operator is one desk phone on one call), so the calls run side by side; the restart
 * comes last, alone, as it takes `pbx` down.
 */
import { randomUUID } from 'node:crypto';
import { type BaresipOptions, BaresipPhone } from '@ivr/testkit/baresip';
import { Kamailio } from '@ivr/testkit/kamailio';
import { confirmAmount, type KeyPad, keyCard, payloadOf as pay } from '@ivr/testkit/payment-caller';
import { type CreatedPayment, PaymentSystem } from '@ivr/testkit/payment-system';
import { freePort } from '@ivr/testkit/ports';
import { waitUntil } from '@ivr/testkit/service-process';

// Published test cards only (Stripe's list, as the PSP simulator knows them).
const APPROVE = '4242424242424242';
const CARD = { pan: APPROVE, expiry: '1234', securityCode: '917' };

let system: PaymentSystem;
let pbx: Kamailio;
let strict: Kamailio;
let inband: Kamailio;
let trunk: Kamailio;
let sipTlsPort: number;
let phoneCount = 0;

beforeAll(async () => {
  sipTlsPort = await freePort();
  system = await PaymentSystem.start({
    'call-control': {
      CONFIRM_FIRST_DIGIT_TIMEOUT_MS: '3000',
      // SIP over TLS, mutual TLS by default: the proxy presents kamailio.crt (scripts/certs.sh).
      SIP_TLS_PORT: String(sipTlsPort),
      // Of the CA's certificates, only the PBX's (CN kamailio) is an SBC's: the services' own are refused.
      SIP_TLS_CLIENT_NAMES: 'kamailio',
      // Only the PBX may call the IVR, as in production (docs/telephony.md): here it is on loopback.
      SIP_TRUSTED_SOURCES: '127.0.0.1/32',
    },
  });
  const ivrUri = `sip:127.0.0.1:${system.sipPort}`;
  [pbx, strict, inband, trunk] = await Promise.all([
    Kamailio.start({ ivrUri, keepRegistrations: true }),
    Kamailio.start({ ivrUri, refuseRefer: 403 }),
    Kamailio.start({ ivrUri, stripTelephoneEvent: true }),
    Kamailio.start({ ivrUri: `sip:127.0.0.1:${sipTlsPort};transport=tls`, tls: true }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([pbx, strict, inband, trunk].map((p) => p?.stop()));
  await system?.stop();
});

/** The phones of one call, registered with a proxy; stopped when the call's test ends. */
class Desk {
  private readonly phones: BaresipPhone[] = [];

  async phone(
    role: 'customer' | 'op',
    at: Kamailio,
    answerMode: 'auto' | 'manual' = 'manual',
    options: Pick<BaresipOptions, 'mediaenc'> = {},
  ) {
    // Names must not look like transfer codes or `ivr` (the proxy routes those to the IVR).
    const name = `${role}${++phoneCount}`;
    const phone = await BaresipPhone.start({ name, proxy: at.address, answerMode, ...options });
    this.phones.push(phone);
    await phone.registered();
    return phone;
  }

  stop(): Promise<void> {
    return Promise.all(this.phones.splice(0).map((p) => p.stop())).then(() => {});
  }
}

/** A test of its own phones, run beside the others (jest runs no afterEach for concurrent tests). */
function call(name: string, body: (desk: Desk) => Promise<void>): void {
  test.concurrent(name, async () => {
    const desk = new Desk();
    try {
      await body(desk);
    } finally {
      await desk.stop();
    }
  });
}

/** The payment the operator creates while on the phone with the caller: it comes back to the operator. */
const newPayment = (operator: BaresipPhone): Promise<CreatedPayment> =>
  system.createPayment({ returnSipAddress: operator.aor, mode: 'CAPTURE', language: 'en', operatorId: operator.name });

/** The caller rings the operator's desk phone through the PBX; the operator answers. */
async function callOperator(phone: BaresipPhone, operator: BaresipPhone): Promise<void> {
  await phone.dial(operator.aor);
  await operator.waitForEvent('CALL_ESTABLISHED', { filter: (e) => String(e.peeruri).includes(phone.name) });
  await phone.waitForEvent('CALL_ESTABLISHED');
}

/** Confirms the amount, keys the card, and waits for the payment's outcome. */
async function payByPhone(phone: BaresipPhone, p: CreatedPayment, press?: KeyPad) {
  await confirmAmount(system, phone, p, press);
  await keyCard(system, phone, p, CARD, press);
  return system.paymentCompleted(p.paymentId, 60_000);
}

/** The caller's phone INVITEs the operator again: the IVR's REFER reached it and was followed. */
async function backWithOperator(phone: BaresipPhone, operator: BaresipPhone, since: number): Promise<void> {
  await operator.waitForEvent('CALL_ESTABLISHED', {
    since,
    timeoutMs: 60_000,
    filter: (e) => String(e.peeruri).includes(phone.name),
  });
}

/** How the IVR answered the payment's call (CallAnswered comes before the payment is known: by call id). */
async function answeredOf(p: CreatedPayment) {
  const { callId } = pay(await system.callEvent(p.paymentId, 'CallStarted'));
  return system.watcher.waitFor(
    `CallAnswered of ${callId}`,
    (e) => e.type === 'CallAnswered' && pay(e).callId === callId,
  );
}

/**
 * The operator transfers the caller to the IVR with the code; paid; the IVR hands the caller back.
 * `inCall` runs once the IVR has the call, before the caller keys anything.
 */
async function transferPayAndReturn(
  at: Kamailio,
  desk: Desk,
  options: Pick<BaresipOptions, 'mediaenc'> = {},
  inCall: () => Promise<void> = async () => {},
): Promise<{ p: CreatedPayment; phone: BaresipPhone }> {
  const operator = await desk.phone('op', at, 'auto', options);
  const phone = await desk.phone('customer', at, 'manual', options);
  await callOperator(phone, operator);
  const p = await newPayment(operator);
  await operator.transfer(`sip:${p.transferCode}@${at.address}`);

  const answered = await system.callEvent(p.paymentId, 'CallStarted');
  expect(pay(answered)).toMatchObject({ transferCode: p.transferCode });
  await inCall();
  const since = operator.events.length;
  expect((await payByPhone(phone, p)).payload).toMatchObject({ outcome: 'APPROVED', captured: true });
  await backWithOperator(phone, operator, since);

  const returned = await system.callEvent(p.paymentId, 'CallReturnedToOperator');
  expect(pay(returned)).toMatchObject({ method: 'REFER', outcome: 'SUCCEEDED', target: operator.aor });
  expect(pay(await system.callEvent(p.paymentId, 'CallEnded')).reason).toBe('RETURNED_TO_OPERATOR');
  expect(await system.charges(p.paymentId)).toBe(1);
  return { p, phone };
}

call(
  "the operator's phone blind-transfers the caller to sip:<code>@PBX; paid; the IVR hands the caller back through the proxy",
  async (desk) => {
    const refersBefore = await pbx.stat('core:rcv_requests_refer');
    const byesBefore = await pbx.stat('core:rcv_requests_bye');
    const { p } = await transferPayAndReturn(pbx, desk);
    expect(pay(await answeredOf(p))).toMatchObject({ transport: 'UDP' });
    // Both transfers (the operator's and the IVR's) and the IVR's in-dialog requests crossed the proxy:
    // the IVR followed the Record-Route of the INVITE (loose routing), it never went to the phone directly.
    // (At least: the other calls of this file cross the same proxy meanwhile.)
    expect((await pbx.stat('core:rcv_requests_refer')) - refersBefore).toBeGreaterThanOrEqual(2);
    await waitUntil(
      'the IVR BYE through the proxy',
      async () => (await pbx.stat('core:rcv_requests_bye')) > byesBefore,
    );
  },
);

call(
  'SIP/TLS and SRTP: the PBX reaches the IVR over mutual TLS, the phones insist on SRTP; transferred in, paid, handed back',
  async (desk) => {
    // srtp-mand: the phones refuse any call without SRTP (SDES), the IVR leg included.
    const { p, phone } = await transferPayAndReturn(trunk, desk, { mediaenc: 'srtp-mand' }, async () => {
      // The only SRTP call of this file: the vault holds it as an SRTP session while the caller pays.
      await waitUntil('an SRTP session in the vault', async () =>
        /^vault_srtp_sessions(\{[^}]*\})? [1-9]/m.test(await metrics('dtmf-vault')),
      );
    });
    // The IVR leg was TLS between the proxy and call-control, both ways: its REFER and BYE went back on
    // the proxy's connection (the phones' own legs to the proxy are UDP, as on a call centre's LAN).
    expect(pay(await answeredOf(p))).toMatchObject({ transport: 'TLS' });
    expect(await metrics('call-control')).toMatch(/^sip_tls_handshake_failures_total(\{[^}]*\})? 0\b/m);
    // No SRTP packet failed authentication either way, and no key reached a log.
    expect(phone.log()).toMatch(/SRTP is Enabled/);
    // (RTP only: the vault sends no RTCP, and baresip may fail an RTCP packet of the operator's phone
    // on the call being transferred away, a phone-to-phone matter.)
    expect(phone.log()).not.toMatch(/failed to decrypt RTP/);
    expect(await metrics('dtmf-vault')).toMatch(
      /^vault_rtp_packets_received_total\{[^}]*result="srtp_auth_failed"[^}]*\} 0\b/m,
    );
    for (const name of ['call-control', 'dtmf-vault'] as const)
      expect(system.service(name).output()).not.toMatch(/inline:(?!\[KEY REDACTED\])[A-Za-z0-9+/]{16}/);
  },
);

const metrics = async (service: 'call-control' | 'dtmf-vault'): Promise<string> =>
  (await fetch(`${system.service(service).adminUrl}/metrics`)).text();

call(
  'the operator transfers to the plain IVR number: the caller keys the code during the welcome, pays, and is handed back',
  async (desk) => {
    const operator = await desk.phone('op', pbx, 'auto');
    const phone = await desk.phone('customer', pbx);
    await callOperator(phone, operator);
    const p = await newPayment(operator);
    const since = phone.events.length;
    await operator.transfer(`sip:ivr@${pbx.address}`);
    const established = await phone.waitForEvent('CALL_ESTABLISHED', {
      since,
      timeoutMs: 20_000,
      filter: (e) => String(e.peeruri).startsWith('sip:ivr@'),
    });
    const answered = await system.watcher.waitFor(
      'the keyed-code call answered',
      (e) => e.type === 'CallAnswered' && pay(e).sipCallId === established.id,
    );
    expect(pay(answered)).toMatchObject({ transferCodeSource: 'keypad' });
    // The caller was just told the code and keys it at once, ended by #, while the welcome still plays:
    // the welcome opens the question, so the keys count (a caller who waits for "enter the code" too).
    await phone.sendDigits(`${p.transferCode}#`);
    const started = await system.callEvent(p.paymentId, 'CallStarted');
    expect(pay(started)).toMatchObject({ callId: pay(answered).callId, transferCode: p.transferCode });
    const back = operator.events.length;
    expect((await payByPhone(phone, p)).payload).toMatchObject({ outcome: 'APPROVED' });
    await backWithOperator(phone, operator, back);
    expect(await system.charges(p.paymentId)).toBe(1);
  },
);

call(
  "a PBX that refuses REFER: paid; the IVR calls the operator back and bridges them until the operator hangs up; the operator's screen says OPERATOR_STAYED_ON",
  async (desk) => {
    // The IVR's answer to a refused REFER (RETURN_CALL_BACK): it calls the return address through the
    // PBX with the vault's operator leg, and the two talk on through the vault's bridge.
    const operator = await desk.phone('op', strict, 'auto');
    const operatorId = `screen-${randomUUID()}`;
    const screen = await system.operatorScreen(operatorId);
    try {
      const phone = await desk.phone('customer', strict);
      const p = await system.createPayment({
        returnSipAddress: operator.aor,
        mode: 'CAPTURE',
        language: 'en',
        operatorId,
      });
      await phone.dial(`sip:${p.transferCode}@${strict.address}`);
      await phone.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 20_000 });
      const since = phone.events.length;
      expect((await payByPhone(phone, p)).payload).toMatchObject({ outcome: 'APPROVED' });
      const answered = await system.callEvent(p.paymentId, 'OperatorLegAnswered', {}, 60_000);
      expect(pay(answered)).toMatchObject({ purpose: 'CALL_BACK', target: operator.aor });
      const returns = () => system.callEvents(p.paymentId).filter((e) => e.type === 'CallReturnedToOperator');
      await waitUntil('the bridge recorded', () => returns().length === 2);
      expect(returns().map((e) => pay(e))).toMatchObject([
        { method: 'REFER', outcome: 'FAILED', sipStatus: 403 },
        { method: 'BRIDGE', outcome: 'SUCCEEDED' },
      ]);
      // Bridged: the caller's call is still up until the operator hangs up; the IVR then ends it.
      expect(phone.events.slice(since).some((e) => e.type === 'CALL_CLOSED')).toBe(false);
      await operator.hangup();
      await phone.waitForEvent('CALL_CLOSED', { since, timeoutMs: 20_000 });
      expect(pay(await system.callEvent(p.paymentId, 'OperatorLegEnded'))).toMatchObject({
        reason: 'OPERATOR_HUNG_UP',
      });
      expect(pay(await system.callEvent(p.paymentId, 'CallEnded'))).toMatchObject({ reason: 'OPERATOR_STAYED_ON' });
      expect(await system.charges(p.paymentId)).toBe(1);
      const ended = await screen.waitFor(
        'how the call ended',
        (u) => u.type === 'CallEnded' && u.paymentId === p.paymentId,
      );
      expect(ended.data).toMatchObject({ reason: 'OPERATOR_STAYED_ON' });
    } finally {
      screen.close();
    }
  },
);

call(
  "a PBX that refuses REFER, nobody at the return address: the call-back fails too; the caller hears the operator will call back, then BYE; the operator's screen says RETURN_FAILED",
  async (desk) => {
    const p = await paidThenReturnFails(desk, strict, `sip:desk@${strict.address}`, 'en', {
      method: 'REFER',
      sipStatus: 403,
    });
    // The call-back was placed through the vault's bridge, and the PBX found nobody there.
    const callBack = await system.callEvent(p.paymentId, 'OperatorLegFailed');
    expect(pay(callBack)).toMatchObject({
      purpose: 'CALL_BACK',
      target: `sip:desk@${strict.address}`,
      reason: 'REJECTED',
      sipStatus: 404,
    });
  },
);

call(
  "a hand-back whose target the PBX rejects (nobody registered there): prompt, then BYE; the operator's screen says RETURN_FAILED",
  async (desk) => {
    await paidThenReturnFails(desk, pbx, `sip:away@${pbx.address}`, 'ja', { method: 'REFER', sipStatus: 404 });
  },
);

/**
 * The PBX itself connects the caller to the IVR (an operator's transfer by REFER cannot work on a PBX
 * that refuses REFER); paid; the hand-back fails as `refer` says: not dropped silently (the prompt plays
 * before the IVR's BYE, which comes after it, not at once), and the operator's live screen is told.
 */
async function paidThenReturnFails(
  desk: Desk,
  at: Kamailio,
  returnSipAddress: string,
  language: 'en' | 'ja',
  refer: { method: string; sipStatus: number },
): Promise<CreatedPayment> {
  // Not the run's timestamp: 13 digits may be Luhn-valid, and order-link refuses card-number-shaped text.
  const operatorId = `screen-${randomUUID()}`;
  const screen = await system.operatorScreen(operatorId);
  try {
    const phone = await desk.phone('customer', at);
    const p = await system.createPayment({ returnSipAddress, mode: 'CAPTURE', language, operatorId });
    await phone.dial(`sip:${p.transferCode}@${at.address}`);
    await phone.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 20_000 });
    const since = phone.events.length;
    expect((await payByPhone(phone, p)).payload).toMatchObject({ outcome: 'APPROVED' });

    const returned = await system.callEvent(p.paymentId, 'CallReturnedToOperator', {}, 60_000);
    expect(pay(returned)).toMatchObject({ ...refer, outcome: 'FAILED' });
    expect(pay(await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000)).reason).toBe('RETURN_FAILED');
    await phone.waitForEvent('CALL_CLOSED', { since, timeoutMs: 30_000 });
    expect(await system.charges(p.paymentId)).toBe(1);
    // What the operator's console is told live (the stream order-link's console relays): the payment
    // approved, then the call ended RETURN_FAILED ("call the customer back").
    const ofPayment = (type: string) => (u: { type: string; paymentId: string }) =>
      u.type === type && u.paymentId === p.paymentId;
    await screen.waitFor('the approval', ofPayment('PaymentApproved'));
    const ended = await screen.waitFor('how the call ended', ofPayment('CallEnded'));
    expect(ended.data).toMatchObject({ reason: 'RETURN_FAILED' });
    return p;
  } finally {
    screen.close();
  }
}

call(
  'a trunk without telephone-event (DTMF only in the audio): the offer is accepted and the keys are captured in band',
  async (desk) => {
    const operator = await desk.phone('op', inband, 'auto');
    const phone = await desk.phone('customer', inband);
    const p = await newPayment(operator);
    await phone.dial(`sip:${p.transferCode}@${inband.address}`);
    await phone.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 20_000 });
    const tones: KeyPad = (digits) => phone.sendTones(digits);
    expect((await payByPhone(phone, p, tones)).payload).toMatchObject({
      outcome: 'APPROVED',
      card: { brand: 'visa', last4: '4242' },
    });
    expect(await system.charges(p.paymentId)).toBe(1);
  },
);

// Last and alone: it takes `pbx` down, which the calls above use.
test('the PBX restarts mid-call: the IVR retransmits its REFER until the proxy is back; charged once, the caller reaches the operator', async () => {
  const desk = new Desk();
  try {
    const operator = await desk.phone('op', pbx, 'auto');
    const phone = await desk.phone('customer', pbx);
    await callOperator(phone, operator);
    const p = await newPayment(operator);
    await operator.transfer(`sip:${p.transferCode}@${pbx.address}`);
    await system.callEvent(p.paymentId, 'CallStarted');
    await confirmAmount(system, phone, p);
    const since = operator.events.length;
    await pbx.down();
    try {
      // The media goes straight between the phone and the vault: the card is keyed while the PBX is down.
      await keyCard(system, phone, p, CARD);
      expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'APPROVED' });
      // The IVR sends its REFER as it enters this step, while the proxy is down: over UDP it is
      // retransmitted (Timer E) for up to 32 s (Timer F); the proxy comes back well inside that.
      await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'RETURNING_TO_OPERATOR' }, 60_000);
    } finally {
      await pbx.up();
    }
    // The PBX kept its location table: the operator's phone is found without registering again.
    await backWithOperator(phone, operator, since);
    const returned = await system.callEvent(p.paymentId, 'CallReturnedToOperator', {}, 60_000);
    expect(pay(returned)).toMatchObject({ method: 'REFER', outcome: 'SUCCEEDED' });
    // The REFER the new process relayed was one the IVR sent before it started: a retransmission.
    expect(await pbx.stat('core:rcv_requests_refer')).toBeGreaterThanOrEqual(1);
    expect(await system.charges(p.paymentId)).toBe(1);
  } finally {
    await desk.stop();
  }
});
