/**
 * Payment calls with real phones through the whole real system: order-link issues a transfer code,
 * a baresip caller dials the IVR (call-control) with the code in the Request-URI user part and keys
 * the card as RFC 4733 DTMF into the vault's RTP port, authorization charges the PSP simulator,
 * order-link publishes payment-completed, notification signs the webhook, and a second baresip (the
 * operator's phone) is called back through REFER. Afterwards every topic, table, log and trace
 * written during these calls, the metrics of all five services, and a heap snapshot and memory dump of
 * every service but the vault, are scanned for the card numbers and security codes used: zero hits.
 */

import { BaresipPhone } from '@ivr/testkit/baresip';
import { CallerPhones, confirmAmount, dialIn, keyCard, payloadOf as pay } from '@ivr/testkit/payment-caller';
import { type CreatedPayment, PaymentSystem } from '@ivr/testkit/payment-system';
import { waitUntil } from '@ivr/testkit/service-process';
import { Receiver } from '@ivr/testkit/webhook-receiver';
import { verifyIvrSignature } from '../../examples/verify-webhook-signature';
import { scan } from '../../scripts/pan-scan';

// Published test cards only (Stripe's list, as the PSP simulator knows them).
const APPROVE = '4242424242424242';
const DECLINE = '4000000000000002';
const BAD_CHECKSUM = '4242424242424241';
// Security codes unlikely to occur by chance next to a card-ish key, so the scan can look for them.
const CVV_APPROVE = '917';
const CVV_DECLINE = '846';
const CVV_MIDCALL = '735';
// GMO-PG (its simulator maps Stripe's published numbers to GMO-PG's results): insufficient funds shows at
// ExecTran (authorization), an expired card already at SaveCard (the vault's registration).
const GMO_INSUFFICIENT = '4000000000009995';
const GMO_EXPIRED = '4000000000000069';
const CVV_GMO = '628';

let system: PaymentSystem;
let operator: BaresipPhone;
let webhookSecret = '';
const receiver = new Receiver(() => 200);
const callers = new CallerPhones('payer');

beforeAll(async () => {
  await receiver.start();
  operator = await BaresipPhone.start({ name: 'operator', answerMode: 'auto' });
  system = await PaymentSystem.start({
    'call-control': {
      RETURN_FALLBACK_URI: operator.uri,
      EXPIRY_MAX_ATTEMPTS: '2',
      CONFIRM_FIRST_DIGIT_TIMEOUT_MS: '3000',
    },
  });
  const endpoint = await system.rest('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'calls e2e' });
  expect(endpoint.status).toBe(201);
  webhookSecret = String(endpoint.body.secret);
}, 180_000);

afterEach(() => callers.stopAll());

afterAll(async () => {
  await operator?.stop();
  await system?.stop();
  await receiver.stop();
});

const caller = () => callers.start();

async function newPayment(mode: 'CAPTURE' | 'AUTHORIZE' = 'CAPTURE'): Promise<CreatedPayment> {
  return system.createPayment({ returnSipAddress: operator.uri, mode, language: 'en' });
}

/**
 * A caller's phone on a new payment, dialled in with its transfer code and through the amount: the IVR
 * asks for the card number next. `operatorEvents`: the operator's phone's events before the call.
 */
async function callToCardNumber(
  mode: 'CAPTURE' | 'AUTHORIZE' = 'CAPTURE',
): Promise<{ phone: BaresipPhone; p: CreatedPayment; operatorEvents: number }> {
  const phone = await caller();
  const p = await newPayment(mode);
  const operatorEvents = operator.events.length;
  await dialIn(system, phone, p.transferCode);
  await confirmAmount(system, phone, p);
  return { phone, p, operatorEvents };
}

/**
 * The order system's lifecycle after an AUTHORIZE payment (decision 0013): a partial capture, then a partial
 * refund, each through the REST API, each published on ivr.payment-lifecycle.v1 and delivered as a signed
 * webhook. Answers the balance after the refund.
 */
async function captureThenRefund(paymentId: string, capture: number, refund: number) {
  const settled = async (path: string, amount: number, type: string) => {
    const answer = await system.rest('POST', `/v1/payments/${paymentId}/${path}`, { amount });
    // 201 once the PSP answered; 202 PENDING when it has not yet (the outcome comes on the topic).
    expect(answer.body).toEqual(expect.objectContaining({ status: expect.stringMatching(/^(SUCCEEDED|PENDING)$/) }));
    // Whatever became of it (a failure names its reason), then what it must be.
    const event = await system.watcher.waitFor(
      `the outcome of ${answer.body.id}`,
      (e) => (pay(e).operation as { operationId?: string } | undefined)?.operationId === answer.body.id,
      60_000,
    );
    expect({ type: event.type, operation: pay(event).operation }).toMatchObject({
      type,
      operation: { operationId: answer.body.id, status: 'SUCCEEDED', amount },
    });
    return pay(event);
  };
  const captured = await settled('captures', capture, 'PaymentCaptured');
  expect(captured.balance).toMatchObject({ state: 'CAPTURED', captured: capture, capturable: 0, refundable: capture });
  const refunded = await settled('refunds', refund, 'PaymentRefunded');
  expect(refunded.balance).toEqual({
    state: 'PARTIALLY_REFUNDED',
    authorized: 12_345,
    captured: capture,
    refunded: refund,
    capturable: 0,
    refundable: capture - refund,
  });
  const hookOf = (type: string) =>
    receiver.received.find((r) => r.body.includes(paymentId) && r.body.includes(`"type":"${type}"`));
  await waitUntil('the lifecycle webhooks', () => !!hookOf('payment.captured') && !!hookOf('payment.refunded'), 30_000);
  const hook = hookOf('payment.refunded');
  expect(verifyIvrSignature(hook?.body ?? '', hook?.signature, webhookSecret)).toBe(true);
  expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ data: { paymentId, balance: { refunded: refund } } });
  const view = await system.rest('GET', `/v1/payments/${paymentId}`);
  expect(view.body.balance).toEqual(refunded.balance);
  return refunded.balance;
}

async function operatorCalledBack(since: number): Promise<void> {
  await operator.waitForEvent('CALL_ESTABLISHED', { since, timeoutMs: 60_000 });
}

test('approve: the card is charged, payment-completed carries the masked card, the webhook is signed, the operator is called back', async () => {
  const { phone, p, operatorEvents } = await callToCardNumber();
  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });

  const completed = await system.paymentCompleted(p.paymentId, 60_000);
  expect(completed.payload).toMatchObject({
    paymentId: p.paymentId,
    orderId: p.orderId,
    outcome: 'APPROVED',
    captured: true,
    amount: 12_345,
    currency: 'JPY',
    card: { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2034 },
  });
  expect(await system.charges(p.paymentId)).toBe(1);
  await operatorCalledBack(operatorEvents);
  const transfer = await phone.waitForEvent('TRANSFER', { timeoutMs: 30_000 });
  expect(String(transfer.param)).toContain(operator.uri);

  const ended = await system.callEvent(p.paymentId, 'CallEnded');
  expect(pay(ended).reason).toBe('RETURNED_TO_OPERATOR');
  const returned = await system.callEvent(p.paymentId, 'CallReturnedToOperator');
  expect(pay(returned)).toMatchObject({ method: 'REFER', outcome: 'SUCCEEDED', target: operator.uri });
  const progress = system.callEvents(p.paymentId).filter((e) => e.type === 'CaptureProgressed');
  expect(progress.some((e) => pay(e).field === 'CARD_NUMBER' && pay(e).brand === 'visa')).toBe(true);

  await waitUntil('the signed webhook', () => receiver.received.some((r) => r.body.includes(p.paymentId)), 30_000);
  const hook = receiver.received.find((r) => r.body.includes(p.paymentId));
  expect(verifyIvrSignature(hook?.body ?? '', hook?.signature, webhookSecret)).toBe(true);
  expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ data: { outcome: 'APPROVED' } });
});

test('SRTP: a phone that insists on SRTP (baresip srtp-mand) pays; its keys reach the vault only and no log holds one', async () => {
  const phone = await callers.start({ mediaenc: 'srtp-mand' });
  // The caller's phone is transferred back to an operator: one whose phone does SRTP too.
  const secureOperator = await BaresipPhone.start({ name: 'secure-operator', answerMode: 'auto', mediaenc: 'srtp' });
  try {
    const p = await system.createPayment({ returnSipAddress: secureOperator.uri, mode: 'CAPTURE', language: 'en' });
    await dialIn(system, phone, p.transferCode);
    await confirmAmount(system, phone, p);
    await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });
    const completed = await system.paymentCompleted(p.paymentId, 60_000);
    expect(completed.payload).toMatchObject({ outcome: 'APPROVED', card: { brand: 'visa', last4: '4242' } });
    await secureOperator.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 60_000 });
  } finally {
    await secureOperator.stop();
  }
  expect(phone.log()).toMatch(/SRTP is Enabled/);
  expect(phone.log()).not.toMatch(/failed to decrypt/);
  const metrics = await (await fetch(`${system.service('dtmf-vault').adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/vault_rtp_packets_received_total\{[^}]*result="srtp_auth_failed"[^}]*\} 0\b/);
  // An SDES key in a log line would be `inline:` and base64: only the masked form may appear.
  for (const name of ['call-control', 'dtmf-vault'] as const)
    expect(system.service(name).output()).not.toMatch(/inline:(?!\[KEY REDACTED\])[A-Za-z0-9+/]{16}/);
});

test('lifecycle on Stripe: a call authorizes, the order system captures part and refunds part', async () => {
  const { phone, p } = await callToCardNumber('AUTHORIZE');
  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });
  expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({
    outcome: 'APPROVED',
    captured: false,
  });
  await captureThenRefund(p.paymentId, 10_000, 3_000);
  // The PSP's books: one charge, 10,000 taken (the rest released), 3,000 given back.
  const { byPaymentId } = (await (await fetch(`${system.psp.url}/_sim/ledger`)).json()) as {
    byPaymentId: Record<string, { charges: number; held: number; settled: number; refunded: number }>;
  };
  expect(byPaymentId[p.paymentId]).toMatchObject({ charges: 1, held: 0, settled: 7_000, refunded: 3_000 });
});

test('decline: the caller hears the decline and is handed back; payment-completed says DECLINED', async () => {
  const { phone, p, operatorEvents } = await callToCardNumber();
  await keyCard(system, phone, p, { pan: DECLINE, expiry: '1234', securityCode: CVV_DECLINE });
  const completed = await system.paymentCompleted(p.paymentId, 60_000);
  expect(completed.payload).toMatchObject({
    outcome: 'DECLINED',
    card: { brand: 'visa', bin6: '400000', last4: '0002' },
  });
  await operatorCalledBack(operatorEvents);
  expect(pay(await system.callEvent(p.paymentId, 'CallAuthorizationCompleted')).outcome).toBe('DECLINED');
});

test('a wrong card number is refused and asked again; the correct one goes through', async () => {
  const { phone, p } = await callToCardNumber();
  await phone.sendDigits(`*${BAD_CHECKSUM}#`);
  const invalid = await system.callEvent(p.paymentId, 'CaptureProgressed', { field: 'CARD_NUMBER', valid: false });
  expect(pay(invalid)).toMatchObject({ invalidReason: 'BAD_CHECKSUM', attemptsLeft: 2 });
  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });
  expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'APPROVED' });
});

test('an expiry in the past is refused until the attempts run out: nothing registered, the payment is abandoned', async () => {
  const { phone, p, operatorEvents } = await callToCardNumber();
  await phone.sendDigits(`*${APPROVE}#`);
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'EXPIRY' });
  await phone.sendDigits('0120');
  await system.callEvent(p.paymentId, 'CaptureProgressed', { field: 'EXPIRY', valid: false, attemptsLeft: 1 });
  await phone.sendDigits('0220');
  const ended = await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000);
  expect(pay(ended).reason).toBe('CAPTURE_FAILED');
  const reasons = system
    .callEvents(p.paymentId)
    .filter((e) => e.type === 'CaptureProgressed' && pay(e).field === 'EXPIRY' && pay(e).valid === false)
    .map((e) => pay(e).invalidReason);
  expect(reasons).toEqual(['EXPIRED', 'EXPIRED']);
  expect(system.callEvents(p.paymentId).some((e) => e.type === 'CardCaptured')).toBe(false);
  expect((await system.paymentCompleted(p.paymentId)).payload).toMatchObject({ outcome: 'ABANDONED' });
  await operatorCalledBack(operatorEvents);
});

test('the caller hangs up in the middle of the card number: abandoned, nothing registered or charged', async () => {
  const { phone, p } = await callToCardNumber();
  await phone.sendDigits('*42424242');
  await system.callEvent(p.paymentId, 'CaptureProgressed', { field: 'CARD_NUMBER', digitsEntered: 8 });
  await phone.hangup();
  const ended = await system.callEvent(p.paymentId, 'CallEnded');
  expect(pay(ended).reason).toBe('CALLER_HUNG_UP');
  expect((await system.paymentCompleted(p.paymentId)).payload).toMatchObject({
    outcome: 'ABANDONED',
    reason: expect.stringContaining('CALLER_HUNG_UP'),
  });
  expect(system.callEvents(p.paymentId).some((e) => e.type === 'CardCaptured')).toBe(false);
  expect(system.watcher.seen.some((e) => e.topic === 'ivr.authorizations.v1' && pay(e).paymentId === p.paymentId)).toBe(
    false,
  );
  expect(await system.charges(p.paymentId)).toBe(0);
});

test('an unknown transfer code is told to the caller, who is handed back to the operator', async () => {
  const phone = await caller();
  const operatorEvents = operator.events.length;
  // Eight digits: order-link issues six, so this code cannot exist.
  const code = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
  await dialIn(system, phone, code);
  const answered = await system.watcher.waitFor(
    'CallAnswered with the unknown code',
    (e) => e.type === 'CallAnswered' && pay(e).transferCode === code,
  );
  const callId = pay(answered).callId;
  const ended = await system.watcher.waitFor(
    'CallEnded of the unknown code',
    (e) => e.type === 'CallEnded' && pay(e).callId === callId,
    60_000,
  );
  expect(pay(ended)).toMatchObject({ reason: 'UNKNOWN_TRANSFER_CODE' });
  expect(pay(ended).paymentId).toBeUndefined();
  await operatorCalledBack(operatorEvents);
});

test('the vault restarts mid-call: the call ends cleanly, the caller is handed back, nothing is charged', async () => {
  const { phone, p, operatorEvents } = await callToCardNumber();
  await phone.sendDigits(`*${APPROVE}#`);
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'EXPIRY' });
  await phone.sendDigits('1234');
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'SECURITY_CODE' });
  await phone.sendDigits(CVV_MIDCALL.slice(0, 1));
  await system.service('dtmf-vault').restart();
  const ended = await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000);
  expect(pay(ended).reason).toBe('VAULT_UNAVAILABLE');
  expect((await system.paymentCompleted(p.paymentId)).payload).toMatchObject({ outcome: 'ABANDONED' });
  expect(system.callEvents(p.paymentId).some((e) => e.type === 'CardCaptured')).toBe(false);
  expect(system.watcher.seen.some((e) => e.topic === 'ivr.authorizations.v1' && pay(e).paymentId === p.paymentId)).toBe(
    false,
  );
  await operatorCalledBack(operatorEvents);
  expect(await system.charges(p.paymentId)).toBe(0);
});

// A PENDING outcome is settled later by authorization's reconciler (RECONCILE_AFTER_MS), beyond this test.
test('the PSP is down at authorization: the caller is told and handed back, nothing charged', async () => {
  await system.pspFault({ mode: 'http503', path: '/v1/payment_intents' });
  let paymentId = '';
  try {
    const { phone, p, operatorEvents } = await callToCardNumber();
    paymentId = p.paymentId;
    await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });
    const result = await system.callEvent(p.paymentId, 'CallAuthorizationCompleted', {}, 60_000);
    // FAILED when the authorization service knows nothing happened, PENDING while it reconciles.
    expect(['FAILED', 'PENDING']).toContain(pay(result).outcome);
    if (pay(result).outcome === 'FAILED') {
      expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'FAILED' });
    }
    await operatorCalledBack(operatorEvents);
    expect(pay(await system.callEvent(p.paymentId, 'CallEnded')).reason).toBe('RETURNED_TO_OPERATOR');
  } finally {
    await system.pspFault('clear');
  }
  expect(await system.charges(paymentId)).toBe(0);
});

// From here on the order system pays with its own PSP account: GMO-PG (decision 0010).
test("GMO-PG as the merchant's account: the vault registers the card there, authorization pays by member; captured in part, refunded in part", async () => {
  const { accountId } = await system.useGmoPg();
  const { phone, p, operatorEvents } = await callToCardNumber('AUTHORIZE');
  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_GMO });
  const completed = await system.paymentCompleted(p.paymentId, 60_000);
  expect(completed.payload).toMatchObject({
    outcome: 'APPROVED',
    captured: false,
    pspReference: expect.stringMatching(/^p[0-9a-f]{26}$/),
    card: { brand: 'visa', bin6: '424242', last4: '4242' },
  });
  // The merchant the payment belongs to, as the API shows it.
  expect((await system.rest('GET', `/v1/payments/${p.paymentId}`)).body).toMatchObject({
    orderSystem: expect.any(String),
    pspAccountId: accountId,
  });
  const card = pay(await system.callEvent(p.paymentId, 'CardCaptured')).card as { pspToken: string };
  expect(card.pspToken).toMatch(/^gmo_ivr-[0-9a-f]{40}_\d+$/);
  const orderId = String(pay(completed).pspReference);
  const order = async () =>
    (await (await fetch(`${system.gmoPg.url}/_sim/orders/${orderId}`)).json()) as Record<string, unknown>;
  expect(await order()).toMatchObject({ status: 'AUTH', amount: 12_345, summary: { charges: 1, held: 12_345 } });
  await operatorCalledBack(operatorEvents);

  // Captured in part (ChangeTran to 10,000, then AlterTran SALES), refunded in part (ChangeTran to 7,000).
  await captureThenRefund(p.paymentId, 10_000, 3_000);
  expect(await order()).toMatchObject({
    status: 'SALES',
    amount: 7_000,
    summary: { charges: 1, held: 0, settled: 7_000, refunded: 3_000 },
  });
  expect(await system.charges(p.paymentId)).toBe(0); // nothing at the default account's PSP
});

// GMO-PG's own codes (ErrCode G02, ErrInfo 42G020000) travel with the decline to PaymentCompleted: checked in
// order-link's and the connector's tests. Not asserted here: any other order-link running on the shared
// development database (another checkout's e2e run) may fold the same authorization event first.
test('GMO-PG declines at payment: the caller is told, DECLINED with the normalized reason', async () => {
  const { phone, p } = await callToCardNumber();
  await keyCard(system, phone, p, { pan: GMO_INSUFFICIENT, expiry: '1234', securityCode: CVV_GMO });
  const completed = await system.paymentCompleted(p.paymentId, 60_000);
  expect(completed.payload).toMatchObject({ outcome: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' });
  expect(pay(await system.callEvent(p.paymentId, 'CallAuthorizationCompleted'))).toMatchObject({
    outcome: 'DECLINED',
    declineReason: 'INSUFFICIENT_FUNDS',
  });
});

test('GMO-PG refuses the card at registration (SaveCard): the caller is told, nothing charged', async () => {
  const { phone, p } = await callToCardNumber();
  await keyCard(system, phone, p, { pan: GMO_EXPIRED, expiry: '1234', securityCode: CVV_GMO });
  const ended = await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000);
  expect(pay(ended)).toMatchObject({
    reason: 'CARD_REJECTED',
    // GMO-PG's refusal, from the vault's RegisterCard through call-control, on its way to PaymentCompleted.
    registrationDecline: { reason: 'expired_card', pspCode: 'G83', pspDeclineCode: '42G830000' },
  });
  expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'ABANDONED' });
});

// The next test drains call-control, so its heap and metrics are taken now, after all the calls before.
test('heap snapshot and metrics of call-control after the calls', async () => {
  const snapshot = await system.service('call-control').heapSnapshot();
  expect(snapshot.heapSnapshot).toMatch(/call-control-.*\.heapsnapshot$/);
  expect(await system.service('call-control').saveMetrics()).toMatch(/^# TYPE /m);
});

test('SIGTERM drains call-control: not ready, new calls get 503, the call in progress is paid and handed back, exit 0', async () => {
  const phone = await caller();
  const late = await caller();
  const p = await newPayment();
  const operatorEvents = operator.events.length;
  const callControl = system.service('call-control');
  await dialIn(system, phone, p.transferCode);
  await confirmAmount(system, phone, p);
  const exited = callControl.stop();
  await waitUntil(
    'readiness to report draining',
    async () => (await fetch(`${callControl.adminUrl}/readyz`)).status === 503,
  );
  await late.dial(system.ivrUri('123456'));
  expect(String((await late.waitForEvent('CALL_CLOSED', { timeoutMs: 20_000 })).param)).toContain('503');

  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: CVV_APPROVE });
  expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'APPROVED' });
  await operatorCalledBack(operatorEvents);
  expect(await exited).toBe(0);
  expect(pay(await system.callEvent(p.paymentId, 'CallEnded')).reason).toBe('RETURNED_TO_OPERATOR');
});

test('leak scan: no topic, table, log, trace, metric or service heap holds a card number or security code', async () => {
  for (const name of ['order-link', 'authorization', 'notification']) await system.service(name).heapSnapshot();
  // Metrics are read as logs: each service's /metrics after the calls (call-control's before it drained).
  for (const name of ['order-link', 'authorization', 'notification', 'dtmf-vault'])
    expect(await system.service(name).saveMetrics()).toMatch(/^# TYPE /m);
  const { hits, stats } = await scan({
    pans: [APPROVE, DECLINE, BAD_CHECKSUM, GMO_INSUFFICIENT, GMO_EXPIRED],
    securityCodes: [CVV_APPROVE, CVV_DECLINE, CVV_MIDCALL, CVV_GMO],
    since: system.startedAt,
  });
  // What was read: the four services' heaps and memory, and the spans of all five (the vault's too).
  expect(stats.counts.get('heap')?.items).toBeGreaterThanOrEqual(4);
  expect(stats.counts.get('memory')?.items).toBeGreaterThanOrEqual(4);
  expect(stats.counts.get('trace')?.items).toBeGreaterThanOrEqual(5);
  expect(stats.counts.get('kafka')?.items).toBeGreaterThan(0);
  expect(hits).toEqual([]);
});
