// The payment dialogue against fakes of the vault, authorization and order-link: every path a
// caller can take, the prompts heard, what the Call aggregate records, and what is (not) charged.
import { CallEventTypes as T } from '@ivr/contracts';
import { type DialogueStart, runDialogue, ServiceUnavailable } from '../src/dialogue';
import { MediaSessionLost } from '../src/dialogue/errors';
import { CARD, completed, fakes, keyed, PAYMENT } from './support/dialogue-fakes';

const CALL = { callId: 'call-1', sessionId: 'media-1' };

function run(f: ReturnType<typeof fakes>, start: DialogueStart = { payment: PAYMENT, transferCode: '123456' }) {
  const hangup = new AbortController();
  f.vault.hangUp = () => hangup.abort();
  return runDialogue(f.deps, CALL, hangup.signal, start);
}

/** A caller who confirms and keys a valid card. */
function happyCaller(f: ReturnType<typeof fakes>) {
  f.vault
    .script('digits', keyed('1'))
    .script('card_number', {
      updates: [
        { type: 'progress', digitsEntered: 1 },
        { type: 'progress', digitsEntered: 6, brand: 'visa' },
      ],
      result: { kind: 'completed', digitsEntered: 16, brand: 'visa' },
    })
    .script('expiry', completed(4))
    .script('security_code', completed(3));
}

test('approve: greeting, amount read-back, three fields, registration, authorization, result, REFER back', async () => {
  const f = fakes();
  happyCaller(f);
  const end = await run(f);

  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
  expect(f.vault.promptsHeard).toEqual(['welcome', 'please-wait', 'approved', 'transferring-back']);
  expect(f.vault.plays[1]?.amount).toEqual({ minorUnits: 12_345, currency: 'JPY' });
  expect(f.vault.plays.every((p) => p.language === 'en')).toBe(true);
  expect(f.vault.captures.map((c) => c.kind)).toEqual(['digits', 'card_number', 'expiry', 'security_code']);
  expect(f.vault.captures[0]?.promptIds).toEqual(['press-1-to-confirm']);
  expect(f.authorization.requests).toEqual([
    {
      paymentId: 'pay-1',
      card: CARD,
      amount: 12_345,
      currency: 'JPY',
      mode: 'AUTHORIZE',
      orderReference: 'order-1',
      correlationId: 'call-1',
      pspAccountId: 'pa_0123456789abcdef01234567',
    },
  ]);
  // The merchant's PSP account goes to the vault and authorization (never its credentials).
  expect(f.vault.registrationAccounts).toEqual(['pa_0123456789abcdef01234567']);
  expect(f.leg.refers).toEqual(['sip:operator@127.0.0.1:5099']);
  expect(f.leg.hangups).toBe(1);
  expect(f.vault.closed).toEqual(['completed']);
  expect(f.call.types()).toEqual([
    T.answered,
    T.started,
    ...Array(3).fill(T.stepEntered),
    // One stored summary per field; the keys themselves went by the live channel.
    T.captureProgressed,
    T.stepEntered,
    T.captureProgressed,
    T.stepEntered,
    T.captureProgressed,
    T.stepEntered,
    T.cardCaptured,
    T.stepEntered,
    T.authorizationCompleted,
    T.stepEntered,
    T.stepEntered,
    T.returnedToOperator,
    T.ended,
  ]);
  expect(f.call.last(T.cardCaptured)?.card).toEqual(CARD);
  expect(f.call.last(T.returnedToOperator)).toMatchObject({ method: 'REFER', outcome: 'SUCCEEDED', sipStatus: 200 });
  expect(f.call.last(T.ended)).toEqual({ callId: 'call-1', paymentId: 'pay-1', reason: 'RETURNED_TO_OPERATOR' });
});

test('capture progress carries counts, brand and verdicts for the operator, never digits', async () => {
  const f = fakes();
  happyCaller(f);
  await run(f);
  // Each key, live to the operator's screen (not stored).
  expect(f.live).toEqual([
    { callId: 'call-1', paymentId: 'pay-1', field: 'CARD_NUMBER', digitsEntered: 1, valid: null, attemptsLeft: 3 },
    {
      callId: 'call-1',
      paymentId: 'pay-1',
      field: 'CARD_NUMBER',
      digitsEntered: 6,
      brand: 'visa',
      valid: null,
      attemptsLeft: 3,
    },
  ]);
  // What each field came to, stored once.
  const stored = f.call.events.filter((e) => e.type === T.captureProgressed).map((e) => e.data);
  expect(stored).toEqual([
    expect.objectContaining({ field: 'CARD_NUMBER', digitsEntered: 16, brand: 'visa', valid: true }),
    expect.objectContaining({ field: 'EXPIRY', digitsEntered: 4, valid: true }),
    expect.objectContaining({ field: 'SECURITY_CODE', digitsEntered: 3, valid: true }),
  ]);
  expect(JSON.stringify([f.call.events, f.live])).not.toMatch(/\d{12,}/);
});

test('prompts are in the payment language; per-field timeouts and attempts come from the configuration', async () => {
  const f = fakes({ cardNumber: { maxAttempts: 5, firstDigitTimeoutMs: 20_000, interDigitTimeoutMs: 7000 } });
  happyCaller(f);
  await run(f, { payment: { ...PAYMENT, language: 'ja' }, transferCode: '123456' });
  expect(new Set(f.vault.plays.map((p) => p.language))).toEqual(new Set(['ja']));
  expect(f.vault.captures.map((c) => c.language)).toEqual(['ja', 'ja', 'ja', 'ja']);
  expect(f.vault.captures[1]).toMatchObject({
    kind: 'card_number',
    promptIds: ['enter-card-number'],
    retryPromptIds: ['invalid', 'try-again'],
    maxAttempts: 5,
    firstDigitTimeoutMs: 20_000,
    interDigitTimeoutMs: 7000,
  });
});

test('an invalid card number is re-prompted by the vault and reported invalid, then the valid one goes through', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.set('card_number', [
    {
      updates: [
        { type: 'progress', digitsEntered: 16 },
        { type: 'invalid', reason: 'bad_checksum', attemptsLeft: 2 },
        { type: 'restarted', attemptsLeft: 2 },
        { type: 'progress', digitsEntered: 16 },
      ],
      result: { kind: 'completed', digitsEntered: 16, brand: 'visa' },
    },
  ]);
  const end = await run(f);
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
  const card = f.call.events.filter((e) => e.type === T.captureProgressed && e.data.field === 'CARD_NUMBER');
  // Stored: the rejection, the new turn, the card number accepted; the keys of each turn went live.
  expect(card.map((e) => e.data)).toEqual([
    expect.objectContaining({ digitsEntered: 0, valid: false, invalidReason: 'BAD_CHECKSUM', attemptsLeft: 2 }),
    expect.objectContaining({ digitsEntered: 0, valid: null, attemptsLeft: 2 }),
    expect.objectContaining({ digitsEntered: 16, valid: true, attemptsLeft: 2 }),
  ]);
  expect(f.live).toEqual([
    expect.objectContaining({ field: 'CARD_NUMBER', digitsEntered: 16, valid: null, attemptsLeft: 3 }),
    expect.objectContaining({ field: 'CARD_NUMBER', digitsEntered: 16, valid: null, attemptsLeft: 2 }),
  ]);
});

test('attempts exhausted on a field: the caller is told, handed back, nothing is registered or charged', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.set('expiry', [
    {
      updates: [
        { type: 'invalid', reason: 'expired', attemptsLeft: 2 },
        { type: 'timed_out', phase: 'first_digit', attemptsLeft: 1 },
        { type: 'invalid', reason: 'expired', attemptsLeft: 0 },
      ],
      result: { kind: 'failed', reason: 'attempts_exhausted' },
    },
  ]);
  const end = await run(f);
  expect(end.reason).toBe('CAPTURE_FAILED');
  expect(f.vault.promptsHeard.slice(-3)).toEqual(['invalid', 'cancelled', 'transferring-back']);
  expect(f.vault.registrations).toEqual([]);
  expect(f.authorization.requests).toEqual([]);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
  const reasons = f.call.events.flatMap((e) =>
    e.type === T.captureProgressed && e.data.invalidReason ? [e.data.invalidReason] : [],
  );
  expect(reasons).toEqual(['EXPIRED', 'TIMEOUT', 'EXPIRED']);
  expect(f.call.last(T.ended)?.reason).toBe('CAPTURE_FAILED');
});

test('decline: the caller hears it and is handed back; the decline reason is recorded', async () => {
  const f = fakes();
  happyCaller(f);
  f.authorization.answers = [{ status: 'DECLINED', declineReason: 'INSUFFICIENT_FUNDS', pspReference: 'pi_2' }];
  const end = await run(f);
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
  expect(f.vault.promptsHeard.slice(-2)).toEqual(['declined', 'transferring-back']);
  expect(f.call.last(T.authorizationCompleted)).toMatchObject({
    outcome: 'DECLINED',
    declineReason: 'INSUFFICIENT_FUNDS',
  });
});

test('PSP unavailable at authorization: told the payment did not go through, handed back', async () => {
  const f = fakes();
  happyCaller(f);
  f.authorization.answers = [{ status: 'FAILED', failureCode: 'psp_unavailable', retryable: true }];
  await run(f);
  expect(f.vault.promptsHeard.slice(-2)).toEqual(['payment-failed', 'transferring-back']);
  expect(f.call.last(T.authorizationCompleted)).toMatchObject({ outcome: 'FAILED', failureCode: 'psp_unavailable' });
});

test('authorization unreachable: retried with the same payment id, then told and handed back', async () => {
  const f = fakes({ authorizeAttempts: 3 });
  happyCaller(f);
  f.authorization.answers = [new ServiceUnavailable('authorization', 'down')];
  const end = await run(f);
  expect(end.reason).toBe('SERVICE_UNAVAILABLE');
  expect(f.authorization.requests.map((r) => r.paymentId)).toEqual(['pay-1', 'pay-1', 'pay-1']);
  expect(f.leg.refers).toHaveLength(1);
});

test('a PENDING outcome is asked again until known', async () => {
  const f = fakes({ pendingPollMs: 500, pendingWaitMs: 5000 });
  happyCaller(f);
  f.authorization.answers = [{ status: 'PENDING' }];
  f.authorization.pollAnswers = [{ status: 'PENDING' }, { status: 'CAPTURED', pspReference: 'pi_3' }];
  await run(f);
  expect(f.authorization.polls).toEqual(['pay-1', 'pay-1']);
  // The bound before "please wait" (from the last key), then the two polls.
  expect(f.clock.sleeps).toEqual([250, 500, 500]);
  expect(f.vault.promptsHeard.slice(-2)).toEqual(['approved', 'transferring-back']);
});

test('REGISTER_CARD: no amount read-back; the caller hears that the card is registered', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.delete('digits');
  f.authorization.answers = [{ status: 'REGISTERED' }];
  await run(f, { payment: { ...PAYMENT, mode: 'REGISTER_CARD', amount: 0 }, transferCode: '123456' });
  expect(f.vault.captures.map((c) => c.kind)).toEqual(['card_number', 'expiry', 'security_code']);
  expect(f.vault.promptsHeard).toEqual(['welcome', 'please-wait', 'registered', 'transferring-back']);
});

test('amount: 2 cancels; a wrong key asks again and 1 goes on', async () => {
  const cancel = fakes();
  cancel.vault.script('digits', keyed('2'));
  expect((await run(cancel)).reason).toBe('CALLER_CANCELLED');
  expect(cancel.vault.promptsHeard.slice(-2)).toEqual(['cancelled', 'transferring-back']);
  expect(cancel.call.last(T.ended)?.reason).toBe('CALLER_CANCELLED');

  const retry = fakes();
  happyCaller(retry);
  retry.vault.scripts.set('digits', [keyed('9'), keyed('1')]);
  expect((await run(retry)).reason).toBe('RETURNED_TO_OPERATOR');
  expect(retry.vault.captures[1]).toMatchObject({
    kind: 'digits',
    promptIds: ['invalid', 'press-1-to-confirm'],
    maxAttempts: 2,
  });
});

test('the caller hangs up mid card number: abandoned at once, vault session closed, nothing registered', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.set('card_number', [{ updates: [{ type: 'progress', digitsEntered: 7 }], hangUp: true }]);
  const end = await run(f);
  expect(end.reason).toBe('CALLER_HUNG_UP');
  expect(f.vault.closed).toEqual(['hangup']);
  expect(f.vault.registrations).toEqual([]);
  expect(f.leg.refers).toEqual([]);
  expect(f.leg.hangups).toBe(0);
  expect(f.call.last(T.ended)).toEqual({ callId: 'call-1', paymentId: 'pay-1', reason: 'CALLER_HUNG_UP' });
  expect(f.call.types()).not.toContain(T.cardCaptured);
});

test('the media session is lost (vault restarted): no prompt, the caller is handed back, nothing charged', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.set('security_code', [{ error: new MediaSessionLost('media session ended') }]);
  const end = await run(f);
  expect(end.reason).toBe('VAULT_UNAVAILABLE');
  expect(f.vault.promptsHeard).toEqual(['welcome']);
  expect(f.authorization.requests).toEqual([]);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
});

test('the PSP refuses the card at registration: told and handed back, no authorization', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.registration = { kind: 'failed', failure: 'declined' };
  expect((await run(f)).reason).toBe('CARD_REJECTED');
  expect(f.authorization.requests).toEqual([]);
  expect(f.vault.registrations).toEqual(['card-call-1']);
  expect(f.call.last(T.ended)).not.toHaveProperty('registrationDecline');
});

test("the card company's refusal at registration (GMO-PG SaveCard) is recorded with its codes for the merchant", async () => {
  const f = fakes();
  happyCaller(f);
  const decline = { reason: 'expired_card', pspCode: 'G83', pspDeclineCode: '42G830000' };
  f.vault.registration = { kind: 'failed', failure: 'declined', decline };
  expect((await run(f)).reason).toBe('CARD_REJECTED');
  expect(f.call.last(T.ended)).toMatchObject({ reason: 'CARD_REJECTED', registrationDecline: decline });
});

test('the vault wiped the card before the registration came: told the entry failed, no authorization', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.registration = { kind: 'failed', failure: 'card-wiped' };
  expect((await run(f)).reason).toBe('CAPTURE_FAILED');
  expect(f.authorization.requests).toEqual([]);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
});

test('the captured card could not be stored: no authorization (recovery could not fence it), told and handed back', async () => {
  const f = fakes();
  happyCaller(f);
  f.call.stored = false;
  expect((await run(f)).reason).toBe('SERVICE_UNAVAILABLE');
  expect(f.authorization.requests).toEqual([]);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
});

test('an unknown code in the INVITE: told in the default language, REFER to the fallback, no payment events', async () => {
  const f = fakes({ fallbackReturnUri: 'sip:desk@127.0.0.1', defaultLanguage: 'ja' });
  const end = await run(f, { conclusion: { kind: 'unknown-code' } });
  expect(end.reason).toBe('UNKNOWN_TRANSFER_CODE');
  expect(f.vault.plays).toEqual([{ promptIds: ['unknown-code', 'transferring-back'], language: 'ja', bargeIn: false }]);
  expect(f.leg.refers).toEqual(['sip:desk@127.0.0.1']);
  expect(f.call.types()).toEqual([T.answered, T.returnedToOperator, T.ended]);
  expect(f.call.last(T.ended)).toEqual({ callId: 'call-1', reason: 'UNKNOWN_TRANSFER_CODE' });
});

test('no code in the INVITE: the caller keys it (also during the welcome), then pays', async () => {
  const f = fakes();
  happyCaller(f);
  f.vault.scripts.set('digits', [keyed('654321'), keyed('1')]);
  expect((await run(f, {})).reason).toBe('RETURNED_TO_OPERATOR');
  expect(f.payments.codes).toEqual(['654321']);
  // The welcome is not played on its own (keys then would be dropped): it opens the question, so a
  // caller who keys the code while it plays is heard.
  expect(f.vault.plays.flatMap((p) => p.promptIds)).not.toContain('welcome');
  expect(f.vault.captures[0]).toMatchObject({
    kind: 'digits',
    promptIds: ['welcome', 'enter-transfer-code'],
    minLength: 6,
    maxLength: 6,
    terminator: '#',
  });
  expect(f.call.last(T.started)).toMatchObject({ paymentId: 'pay-1', transferCode: '654321', callMode: 'IVR_ONLY' });
});

test('a keyed code that is unknown or expired, or order-link down: told and handed back', async () => {
  for (const [resolution, reason] of [
    [{ kind: 'not-found' }, 'UNKNOWN_TRANSFER_CODE'],
    [{ kind: 'expired' }, 'UNKNOWN_TRANSFER_CODE'],
    [new ServiceUnavailable('order-link', 'down'), 'SERVICE_UNAVAILABLE'],
  ] as const) {
    const f = fakes({ fallbackReturnUri: 'sip:desk@127.0.0.1' });
    f.vault.script('digits', keyed('000000'));
    f.payments.resolution = resolution;
    expect((await run(f, {})).reason).toBe(reason);
    expect(f.leg.refers).toEqual(['sip:desk@127.0.0.1']);
    expect(f.vault.promptsHeard.slice(-2)).toEqual([
      reason === 'UNKNOWN_TRANSFER_CODE' ? 'unknown-code' : 'payment-failed',
      'transferring-back',
    ]);
  }
});

test('a REFER that fails is recorded; the caller hears the operator will call back, then the IVR hangs up', async () => {
  const f = fakes();
  happyCaller(f);
  f.leg.referResult = { outcome: 'failed', reason: 'transfer target answered 486', status: 486 };
  expect((await run(f)).reason).toBe('RETURN_FAILED');
  expect(f.vault.promptsHeard.slice(-3)).toEqual(['approved', 'transferring-back', 'call-will-be-returned']);
  expect(f.leg.hangups).toBe(1);
  expect(f.call.last(T.returnedToOperator)).toMatchObject({ outcome: 'FAILED', sipStatus: 486 });
});

const ASSISTED = { payment: { ...PAYMENT, callMode: 'AGENT_ASSISTED' as const }, transferCode: '123456' };

test('agent-assisted: the operator is called at once; after the result nobody is transferred, they talk on until the caller hangs up', async () => {
  const f = fakes();
  happyCaller(f);
  const end = await run(f, ASSISTED);
  expect(f.operator.assisted).toEqual([PAYMENT.returnSipAddress]);
  expect(f.call.last(T.started)).toMatchObject({ callMode: 'AGENT_ASSISTED' });
  // No "transferring you back" to a caller who is on the line with the operator.
  expect(f.vault.promptsHeard).toEqual(['welcome', 'please-wait', 'approved']);
  expect(f.leg.refers).toEqual([]);
  expect(f.operator.talks).toBe(1);
  // The caller hung up: nothing more to end on the caller's side.
  expect(f.leg.hangups).toBe(0);
  expect(end.reason).toBe('OPERATOR_STAYED_ON');
  expect(f.call.last(T.returnedToOperator)).toMatchObject({ method: 'BRIDGE', outcome: 'SUCCEEDED' });
  expect(f.vault.closed).toEqual(['completed']);
});

test('agent-assisted: the operator hangs up after the result, so the IVR hangs up on the caller (a BYE on one leg ends the other)', async () => {
  const f = fakes();
  happyCaller(f);
  f.operator.talk = 'operator-hung-up';
  expect((await run(f, ASSISTED)).reason).toBe('OPERATOR_STAYED_ON');
  expect(f.leg.hangups).toBe(1);
});

test('agent-assisted, the operator cannot join: the caller hears so before the next step, pays alone and is transferred back', async () => {
  const f = fakes();
  happyCaller(f);
  f.operator.joins = false;
  const end = await run(f, ASSISTED);
  expect(f.vault.promptsHeard).toEqual([
    'welcome',
    'operator-unavailable',
    'please-wait',
    'approved',
    'transferring-back',
  ]);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
});

test('agent-assisted, the operator hung up during the capture: the caller hears the operator left, the payment completes, then the caller is transferred back', async () => {
  const f = fakes();
  happyCaller(f);
  f.authorization.answers = [{ status: 'APPROVED', pspReference: 'pi_1' }];
  const authorize = f.authorization.authorize.bind(f.authorization);
  f.authorization.authorize = async (r) => {
    f.operator.leaves();
    return authorize(r);
  };
  const end = await run(f, ASSISTED);
  expect(f.call.last(T.authorizationCompleted)).toMatchObject({ outcome: 'APPROVED' });
  // Told once, before the next step (the running one is not interrupted).
  expect(f.vault.promptsHeard).toEqual(['welcome', 'please-wait', 'operator-left', 'approved', 'transferring-back']);
  expect(f.leg.refers).toEqual([PAYMENT.returnSipAddress]);
  expect(end.reason).toBe('RETURNED_TO_OPERATOR');
});

test('agent-assisted, the caller hangs up during the capture: the operator leg is ended, the call is abandoned', async () => {
  const f = fakes();
  f.vault.script('digits', keyed('1')).script('card_number', { updates: [], hangUp: true });
  const end = await run(f, ASSISTED);
  expect(end.reason).toBe('CALLER_HUNG_UP');
  expect(f.operator.ended).toEqual(['CALLER_LEG_ENDED']);
  expect(f.vault.closed).toEqual(['hangup']);
});

test('agent-assisted, the vault restarts mid-call: both legs end (no transfer)', async () => {
  const f = fakes();
  f.vault.script('digits', keyed('1')).script('card_number', { error: new MediaSessionLost('session gone') });
  const end = await run(f, ASSISTED);
  expect(end.reason).toBe('VAULT_UNAVAILABLE');
  expect(f.operator.ended).toEqual(['MEDIA_LOST']);
  expect(f.leg.refers).toEqual([]);
  expect(f.leg.hangups).toBe(1);
  expect(f.call.last(T.returnedToOperator)).toMatchObject({ method: 'BYE', outcome: 'FAILED' });
});

test('a PBX that refuses the REFER: the IVR calls the operator back and bridges them (RETURN_CALL_BACK)', async () => {
  const f = fakes();
  happyCaller(f);
  f.leg.referResult = { outcome: 'failed', reason: 'REFER answered 403', status: 403, refused: true };
  const end = await run(f);
  expect(f.operator.calledBack).toEqual([PAYMENT.returnSipAddress]);
  expect(f.call.events.filter((e) => e.type === T.returnedToOperator).map((e) => e.data)).toMatchObject([
    { method: 'REFER', outcome: 'FAILED', sipStatus: 403 },
    { method: 'BRIDGE', outcome: 'SUCCEEDED' },
  ]);
  expect(end.reason).toBe('OPERATOR_STAYED_ON');
  expect(f.vault.promptsHeard).not.toContain('call-will-be-returned');
});

test('the call-back is not answered, or is switched off: the caller hears the operator will call back, then BYE', async () => {
  for (const config of [{}, { callBackWhenReferRefused: false }]) {
    const f = fakes(config);
    happyCaller(f);
    f.operator.joins = false;
    f.leg.referResult = { outcome: 'failed', reason: 'REFER answered 405', status: 405, refused: true };
    expect((await run(f)).reason).toBe('RETURN_FAILED');
    expect(f.operator.calledBack).toEqual('callBackWhenReferRefused' in config ? [] : [PAYMENT.returnSipAddress]);
    expect(f.vault.promptsHeard.slice(-1)).toEqual(['call-will-be-returned']);
    expect(f.leg.hangups).toBe(1);
  }
});

test('a transfer whose target does not answer is not called back (the operator did not answer the transfer either)', async () => {
  const f = fakes();
  happyCaller(f);
  f.leg.referResult = { outcome: 'failed', reason: 'transfer target answered 480', status: 480 };
  expect((await run(f)).reason).toBe('RETURN_FAILED');
  expect(f.operator.calledBack).toEqual([]);
});

describe("the operator's requests from the console (agent-assisted)", () => {
  const ask =
    (f: ReturnType<typeof fakes>, kind: 'restart-field' | 'cancel', eventId = `ev-${kind}`) =>
    () =>
      void f.requests.deliver('pay-1', { kind, eventId });

  test('restart: the card field being keyed starts again with the attempts left, the rest goes on', async () => {
    const f = fakes();
    happyCaller(f);
    f.vault.scripts.set('card_number', [
      {
        updates: [{ type: 'progress', digitsEntered: 5 }],
        untilCancelled: true,
        during: ask(f, 'restart-field'),
      },
      completed(16, { brand: 'visa' }),
    ]);
    const end = await run(f, ASSISTED);
    expect(f.vault.captures.map((c) => c.kind)).toEqual([
      'digits',
      'card_number',
      'card_number',
      'expiry',
      'security_code',
    ]);
    expect(f.vault.captures[2]?.maxAttempts).toBe(3);
    expect(f.call.last(T.operatorRequestHandled)).toEqual({
      callId: 'call-1',
      paymentId: 'pay-1',
      request: 'RESTART_FIELD',
      requestEventId: 'ev-restart-field',
      outcome: 'DONE',
      field: 'CARD_NUMBER',
    });
    expect(f.live).toMatchObject([{ field: 'CARD_NUMBER', digitsEntered: 5, valid: null }]);
    const progress = f.call.events.filter((e) => e.type === T.captureProgressed).map((e) => e.data);
    expect(progress[0]).toMatchObject({ field: 'CARD_NUMBER', digitsEntered: 0, valid: null });
    expect(end.reason).toBe('OPERATOR_STAYED_ON');
    expect(f.authorization.requests).toHaveLength(1);
  });

  test('cancel during the expiry: nothing is registered, the caller hears it is cancelled, they talk on', async () => {
    const f = fakes();
    happyCaller(f);
    f.vault.scripts.set('expiry', [{ untilCancelled: true, during: ask(f, 'cancel') }]);
    const end = await run(f, ASSISTED);
    expect(f.vault.registrations).toEqual([]);
    expect(f.authorization.requests).toEqual([]);
    expect(f.vault.promptsHeard).toEqual(['welcome', 'cancelled']);
    expect(f.call.last(T.operatorRequestHandled)).toMatchObject({ request: 'CANCEL', outcome: 'DONE' });
    expect(end.reason).toBe('OPERATOR_CANCELLED');
    expect(f.operator.talks).toBe(1);
  });

  test('cancel during the amount read-back, once; a second one and a repeated delivery change nothing', async () => {
    const f = fakes();
    f.vault.script('digits', {
      untilCancelled: true,
      during: () => {
        ask(f, 'cancel', 'ev-1')();
        ask(f, 'cancel', 'ev-1')();
        ask(f, 'cancel', 'ev-2')();
      },
    });
    expect((await run(f, ASSISTED)).reason).toBe('OPERATOR_CANCELLED');
    const handled = f.call.events.filter((e) => e.type === T.operatorRequestHandled).map((e) => e.data);
    expect(handled).toMatchObject([
      { requestEventId: 'ev-1', outcome: 'DONE' },
      { requestEventId: 'ev-2', outcome: 'TOO_LATE' },
    ]);
  });

  test('too late once the card is registered; nothing to restart outside a card field', async () => {
    const f = fakes();
    happyCaller(f);
    f.vault.scripts.set('digits', [{ ...keyed('1'), during: ask(f, 'restart-field', 'ev-early') }]);
    const authorize = f.authorization.authorize.bind(f.authorization);
    f.authorization.authorize = async (r) => {
      ask(f, 'cancel', 'ev-late')();
      return authorize(r);
    };
    const end = await run(f, ASSISTED);
    const handled = f.call.events.filter((e) => e.type === T.operatorRequestHandled).map((e) => e.data);
    expect(handled).toMatchObject([
      { requestEventId: 'ev-early', request: 'RESTART_FIELD', outcome: 'NOTHING_TO_RESTART' },
      { requestEventId: 'ev-late', request: 'CANCEL', outcome: 'TOO_LATE' },
    ]);
    expect(f.call.last(T.authorizationCompleted)).toMatchObject({ outcome: 'APPROVED' });
    expect(end.reason).toBe('OPERATOR_STAYED_ON');
  });
});
