/**
 * call-control killed (kill -9) in the middle of payment calls, with real phones through the whole
 * real system: the restarted call-control (a new instance) finds the dead instance's calls once its
 * heartbeat is stale, ends them (CALL_LOST) and, when a card was captured, fences the payment at the
 * authorization service first. Every payment reaches a terminal state; the PSP charges at most once.
 */
import { BaresipPhone } from '@ivr/testkit/baresip';
import { CallerPhones, confirmAmount, dialIn, keyCard, payloadOf as pay } from '@ivr/testkit/payment-caller';
import { type CreatedPayment, PaymentSystem } from '@ivr/testkit/payment-system';

const APPROVE = '4242424242424242';

let system: PaymentSystem;
let operator: BaresipPhone;
const callers = new CallerPhones('crash');

beforeAll(async () => {
  operator = await BaresipPhone.start({ name: 'operator', answerMode: 'auto' });
  // A short lease so that a lost call is found within seconds.
  system = await PaymentSystem.start({
    'call-control': {
      RETURN_FALLBACK_URI: operator.uri,
      CALL_OWNER_STALE_MS: '3000',
      CALL_OWNER_HEARTBEAT_MS: '500',
      CALL_RECOVERY_INTERVAL_MS: '500',
    },
  });
}, 180_000);

afterEach(() => callers.stopAll());

afterAll(async () => {
  await operator?.stop();
  await system?.stop();
});

const caller = () => callers.start();

async function newPayment(mode: 'CAPTURE' | 'REGISTER_CARD' = 'CAPTURE'): Promise<CreatedPayment> {
  return system.createPayment({ returnSipAddress: operator.uri, mode, language: 'en' });
}

/** Dials in and keys the card up to the security code step. */
async function upToSecurityCode(phone: BaresipPhone, p: CreatedPayment, mode: 'CAPTURE' | 'REGISTER_CARD') {
  await dialIn(system, phone, p.transferCode);
  if (mode === 'CAPTURE') await confirmAmount(system, phone, p);
  else await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'CARD_NUMBER' });
  await phone.sendDigits(`*${APPROVE}#`);
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'EXPIRY' });
  await phone.sendDigits('1234');
  await system.callEvent(p.paymentId, 'CallStepEntered', { step: 'SECURITY_CODE' });
}

test('killed before the card was captured: the call ends CALL_LOST and the payment is abandoned', async () => {
  const phone = await caller();
  const p = await newPayment();
  await upToSecurityCode(phone, p, 'CAPTURE');
  await system.service('call-control').kill();
  await system.service('call-control').spawn();

  const ended = await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000);
  expect(pay(ended).reason).toBe('CALL_LOST');
  expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({
    outcome: 'ABANDONED',
    reason: expect.stringContaining('CALL_LOST'),
  });
  expect(await system.charges(p.paymentId)).toBe(0);
});

test.each(['CAPTURE', 'REGISTER_CARD'] as const)(
  '%s: killed after the card was captured, before Authorize reached authorization: fenced, FAILED, nothing charged',
  async (mode) => {
    const phone = await caller();
    const p = await newPayment(mode);
    await upToSecurityCode(phone, p, mode);
    // Authorization is down, so the dialogue's Authorize waits for it when call-control dies.
    await system.service('authorization').kill();
    await phone.sendDigits('123');
    await system.callEvent(p.paymentId, 'CardCaptured', {}, 60_000);
    await system.service('call-control').kill();
    await system.service('authorization').spawn();
    await system.service('call-control').spawn();

    const completed = await system.callEvent(p.paymentId, 'CallAuthorizationCompleted', {}, 60_000);
    expect(pay(completed)).toMatchObject({ outcome: 'FAILED', failureCode: 'abandoned' });
    expect(pay(await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000)).reason).toBe('CALL_LOST');
    expect((await system.paymentCompleted(p.paymentId, 60_000)).payload).toMatchObject({ outcome: 'FAILED' });
    expect(await system.charges(p.paymentId)).toBe(0);
  },
);

test('killed right after the card was captured: the payment ends in a terminal state, charged at most once', async () => {
  const phone = await caller();
  const p = await newPayment();
  await dialIn(system, phone, p.transferCode);
  await confirmAmount(system, phone, p);
  await keyCard(system, phone, p, { pan: APPROVE, expiry: '1234', securityCode: '123' });
  await system.callEvent(p.paymentId, 'CardCaptured', {}, 60_000);
  await system.service('call-control').kill();
  await system.service('call-control').spawn();

  // An Authorize cut off mid-flight may leave the authorization pending: its reconciler settles it
  // after RECONCILE_AFTER_MS (30 s), hence the longer wait.
  const completed = await system.paymentCompleted(p.paymentId, 120_000);
  expect(['APPROVED', 'FAILED']).toContain(pay(completed).outcome);
  const charges = await system.charges(p.paymentId);
  expect(charges).toBeLessThanOrEqual(1);
  expect(charges).toBe(pay(completed).outcome === 'APPROVED' ? 1 : 0);
  // The call ends either way: by its dialogue if it got that far, else by the recovery.
  const ended = await system.callEvent(p.paymentId, 'CallEnded', {}, 60_000);
  expect(['CALL_LOST', 'RETURNED_TO_OPERATOR']).toContain(pay(ended).reason);
});
