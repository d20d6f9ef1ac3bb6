import { dots, foldProgress } from '../console/src/progress';
import { transferTarget } from '../console/src/transfer-target';
import { rewriteFrame } from '../src/adapters/http/console/live';
import { eventDataForScreen } from '../src/adapters/http/console/redact';
import {
  decideEnrolment,
  decideSignIn,
  evolve,
  type Operator,
  type OperatorEvent,
  profileProblems,
  withoutSecret,
} from '../src/operators/operator';
import { hashPassword, passwordProblem, verifyPassword } from '../src/operators/password';

const policy = { maxFailures: 3, lockMs: 15 * 60_000 };
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s));

function created(): Operator {
  const e: OperatorEvent = {
    type: 'OperatorCreated',
    data: {
      operatorId: 'op_1',
      username: 'hanako',
      displayName: 'Hanako',
      role: 'operator',
      team: 'a',
      sipAddress: '',
      passwordHash: 'x',
      by: 'cli:root',
      at: at(0).toISOString(),
    },
  };
  return evolve(null, e)!;
}

const attempt = (o: Operator, ok: boolean, now: Date) => {
  const events = decideSignIn(o, ok, now, policy);
  return { events, next: events.reduce(evolve, o) as Operator };
};

describe('operator sign-in and lock-out (pure)', () => {
  it('locks after the configured number of consecutive failures and refuses even the right password', () => {
    let o = created();
    for (let i = 1; i <= 2; i++) o = attempt(o, false, at(i)).next;
    const third = attempt(o, false, at(3));
    expect(third.events.map((e) => e.type)).toEqual(['OperatorSignInFailed', 'OperatorLockedOut']);
    const refused = attempt(third.next, true, at(4));
    expect(refused.events).toEqual([
      { type: 'OperatorSignInFailed', data: { reason: 'LOCKED', failedAttempts: 3, at: at(4).toISOString() } },
    ]);
  });

  it('lets the operator in once the lock has run out, and a success resets the count', () => {
    let o = created();
    for (let i = 1; i <= 3; i++) o = attempt(o, false, at(i)).next;
    const later = new Date(at(3).getTime() + policy.lockMs + 1000);
    const ok = attempt(o, true, later);
    expect(ok.events.map((e) => e.type)).toEqual(['OperatorSignedIn']);
    expect(ok.next.failedAttempts).toBe(0);
    expect(ok.next.lockedUntil).toBeNull();
  });

  it('refuses a disabled operator whatever the password', () => {
    const o = { ...created(), disabled: true };
    expect(attempt(o, true, at(1)).events[0]).toMatchObject({
      type: 'OperatorSignInFailed',
      data: { reason: 'DISABLED' },
    });
  });

  it('names every bad profile field', () => {
    expect(Object.keys(profileProblems({ username: 'A B', role: 'root' as 'admin', sipAddress: 'tel:1' }))).toEqual([
      'username',
      'role',
      'sipAddress',
    ]);
    expect(profileProblems({ username: 'hanako', role: 'supervisor', team: 'a', sipAddress: 'sip:h@pbx' })).toEqual({});
  });
});

describe('second factor (pure)', () => {
  const enrolled = (): Operator => {
    const o = { ...created(), role: 'admin' as const };
    const events = decideEnrolment(
      o,
      { keyId: 'k1', ciphertext: 'c2VhbGVk', step: 100, recoveryCodes: ['h1', 'h2'] },
      at(1),
    );
    expect(events.map((e) => e.type)).toEqual(['OperatorTotpEnrolled', 'OperatorSignedIn']);
    return events.reduce(evolve, o) as Operator;
  };

  it('enrols once: the secret stays sealed, the summary says only that there is one', () => {
    const o = enrolled();
    expect(o.mfa).toEqual({ keyId: 'k1', ciphertext: 'c2VhbGVk', lastStep: 100, recoveryCodes: ['h1', 'h2'] });
    expect(decideEnrolment(o, { keyId: 'k1', ciphertext: 'x', step: 101, recoveryCodes: [] }, at(2))).toEqual([]);
    const summary = withoutSecret(o) as unknown as Record<string, unknown>;
    expect(summary.mfaEnrolled).toBe(true);
    expect(JSON.stringify(summary)).not.toContain('c2VhbGVk');
  });

  it('needs both factors: a wrong or missing code is a failure that counts towards the lock-out', () => {
    let o = enrolled();
    for (let i = 2; i <= 3; i++) {
      const events = decideSignIn(o, { passwordOk: true, secondFactor: { ok: false } }, at(i), policy);
      expect(events[0]).toMatchObject({ type: 'OperatorSignInFailed', data: { reason: 'CODE' } });
      o = events.reduce(evolve, o) as Operator;
    }
    const third = decideSignIn(o, { passwordOk: true }, at(4), policy);
    expect(third.map((e) => e.type)).toEqual(['OperatorSignInFailed', 'OperatorLockedOut']);
    o = third.reduce(evolve, o) as Operator;
    expect(
      decideSignIn(o, { passwordOk: true, secondFactor: { ok: true, totpStep: 101 } }, at(5), policy)[0],
    ).toMatchObject({ data: { reason: 'LOCKED' } });
  });

  it('remembers the last step and spends a recovery code, and re-seals under a new key', () => {
    const o = enrolled();
    const byCode = decideSignIn(o, { passwordOk: true, secondFactor: { ok: true, totpStep: 101 } }, at(2), policy);
    expect(byCode.reduce(evolve, o)?.mfa?.lastStep).toBe(101);
    const byRecovery = decideSignIn(
      o,
      { passwordOk: true, secondFactor: { ok: true, recoveryCode: 'h1' }, reseal: { keyId: 'k2', ciphertext: 'bmV3' } },
      at(2),
      policy,
    );
    expect(byRecovery.map((e) => e.type)).toEqual(['OperatorSignedIn', 'OperatorTotpResealed']);
    expect(byRecovery.reduce(evolve, o)?.mfa).toEqual({
      keyId: 'k2',
      ciphertext: 'bmV3',
      lastStep: 100,
      recoveryCodes: ['h2'],
    });
    const reset = evolve(o, { type: 'OperatorTotpReset', data: { by: 'operator:op_admin', at: at(3).toISOString() } });
    expect(reset?.mfa).toBeNull();
  });
});

describe('passwords (scrypt)', () => {
  it('verifies the right password only, and a malformed hash is a plain refusal', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
    expect(passwordProblem('short')).toMatch(/12/);
    // PCI DSS v4 8.3.6: letters and digits.
    expect(passwordProblem('only-letters-here')).toMatch(/letters and digits/);
    expect(passwordProblem('123456789012345')).toMatch(/letters and digits/);
    expect(passwordProblem('letters-and-2-digits')).toBeNull();
  }, 30_000); // three 32 MiB scrypt runs: deliberately slow, more so on a busy 2-core machine
});

describe('what reaches the browser', () => {
  it('keeps card digits out of event data, whatever the event carries', () => {
    const card = { pspToken: 'pm_1', brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2034 };
    const out = JSON.stringify([
      eventDataForScreen('PaymentCardCaptured', { paymentId: 'p', callId: 'c', card, at: 'now' }),
      eventDataForScreen('PaymentApproved', { authorizationCode: 'A1', card }),
      eventDataForScreen('SomethingNew', { pan: '4242424242424242' }),
    ]);
    expect(out).not.toMatch(/4242|pm_1/);
    expect(out).toContain('"brand":"visa"');
  });

  it('rewrites a live frame through the allow-list, passes heartbeats and drops garbage', () => {
    const frame = `id: e1\nevent: CardCaptured\ndata: ${JSON.stringify({
      eventId: 'e1',
      type: 'CardCaptured',
      paymentId: 'p1',
      at: 't',
      data: { callId: 'c', card: { brand: 'visa', last4: '4242' } },
    })}`;
    const out = rewriteFrame(frame)!;
    expect(out).toContain('event: live');
    expect(out).not.toContain('4242');
    expect(rewriteFrame(': heartbeat')).toBe(': heartbeat\n\n');
    expect(rewriteFrame('data: {not json')).toBeNull();
  });
});

describe('live progress (console/src/progress.ts)', () => {
  const ev = (type: string, data: Record<string, unknown> = {}) => ({ type, data });

  it('follows a call from transfer to the caller coming back', () => {
    const p = foldProgress([
      ev('CallStarted'),
      ev('CallStepEntered', { step: 'GREETING' }),
      ev('CaptureProgressed', { field: 'CARD_NUMBER', digitsEntered: 16, brand: 'visa', valid: true }),
      ev('CaptureProgressed', { field: 'EXPIRY', digitsEntered: 4, valid: true }),
      ev('CaptureProgressed', { field: 'SECURITY_CODE', digitsEntered: 3, valid: true }),
      ev('PaymentCardCaptured', { card: { brand: 'visa' } }),
      ev('PaymentApproved', { authorizationCode: 'A1B2C3' }),
      ev('CallEnded', { reason: 'RETURNED_TO_OPERATOR' }),
    ]);
    expect(Object.values(p.steps).every((s) => s === 'done')).toBe(true);
    expect(p.outcome).toEqual({ kind: 'APPROVED', code: 'A1B2C3' });
    expect(p.brand).toBe('visa');
  });

  it('shows an invalid field with its reason, and a decline with the reason to say', () => {
    const p = foldProgress([
      ev('CaptureProgressed', {
        field: 'CARD_NUMBER',
        digitsEntered: 16,
        valid: false,
        invalidReason: 'LUHN',
        attemptsLeft: 2,
      }),
      ev('PaymentDeclined', { reason: 'INSUFFICIENT_FUNDS' }),
    ]);
    expect(p.steps.transferred).toBe('done'); // implied by later events that were seen
    expect(p.fields.cardNumber).toMatchObject({ valid: false, invalidReason: 'LUHN', attemptsLeft: 2 });
    expect(p.steps.result).toBe('failed');
    expect(p.outcome).toEqual({ kind: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('marks the running step failed when the caller hangs up', () => {
    const p = foldProgress([ev('CallStepEntered', { step: 'EXPIRY' }), ev('CallEnded', { reason: 'CALLER_HUNG_UP' })]);
    expect(p.steps.expiry).toBe('failed');
    expect(p.steps.returned).toBe('pending');
    expect(p.endReason).toBe('CALLER_HUNG_UP');
  });

  it('draws dots, never digits', () => {
    expect(dots(4)).toBe('••••');
    expect(dots(-1)).toBe('');
  });
});

test('the transfer target carries the code as the user of the IVR address, as a PBX dials it', () => {
  expect(transferTarget('sip:ivr@ivr.pay.example', '123456')).toBe('sip:123456@ivr.pay.example');
  expect(transferTarget('sip:127.0.0.1:5070', '123456')).toBe('sip:123456@127.0.0.1:5070');
  expect(transferTarget('sips:ivr@ivr.pay.example:5061;transport=tls', '042042')).toBe(
    'sips:042042@ivr.pay.example:5061;transport=tls',
  );
});
