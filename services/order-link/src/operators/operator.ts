/**
 * The Operator aggregate: who may use the console, in which role, the second factor (TOTP) of those
 * who have one, and the sign-in history that the lock-out is decided from. Pure: the caller verifies
 * the password (async, I/O-free but slow) and the code, and passes the verdicts, the time and the
 * policy in.
 */
export type Role = 'operator' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['operator', 'supervisor', 'admin'];

export interface OperatorProfile {
  username: string;
  displayName: string;
  role: Role;
  /** Supervisors see the payments of their team's operators. */
  team: string | null;
  /** Where the IVR hands the caller back to (the operator's phone). */
  sipAddress: string;
}

/**
 * The second factor: the TOTP secret sealed under a key of OPERATOR_TOTP_KEYS (@ivr/secret-box, bound
 * to the operator id; never in clear, not even in events), the last time step accepted (no code is
 * accepted twice), and the SHA-256 of the recovery codes not used yet.
 */
export interface SecondFactor {
  keyId: string;
  /** base64 of nonce ‖ ciphertext ‖ tag */
  ciphertext: string;
  lastStep: number;
  recoveryCodes: string[];
}

export type OperatorEvent =
  | {
      type: 'OperatorCreated';
      data: OperatorProfile & { operatorId: string; passwordHash: string; by: string; at: string };
    }
  | { type: 'OperatorProfileChanged'; data: Partial<Omit<OperatorProfile, 'username'>> & { by: string; at: string } }
  | { type: 'OperatorPasswordSet'; data: { passwordHash: string; by: string; at: string } }
  | { type: 'OperatorDisabled'; data: { by: string; at: string } }
  | { type: 'OperatorEnabled'; data: { by: string; at: string } }
  | { type: 'OperatorUnlocked'; data: { by: string; at: string } }
  | {
      type: 'OperatorSignedIn';
      /** `totpStep` or `recoveryCode` (its hash, now spent) when a second factor was given. */
      data: { at: string; totpStep?: number; recoveryCode?: string };
    }
  | {
      type: 'OperatorSignInFailed';
      data: { reason: 'PASSWORD' | 'CODE' | 'LOCKED' | 'DISABLED'; failedAttempts: number; at: string };
    }
  | {
      type: 'OperatorTotpEnrolled';
      data: { keyId: string; ciphertext: string; step: number; recoveryCodes: string[]; at: string };
    }
  /** The same secret sealed under the current key (after a rotation of OPERATOR_TOTP_KEYS). */
  | { type: 'OperatorTotpResealed'; data: { keyId: string; ciphertext: string; at: string } }
  | { type: 'OperatorTotpReset'; data: { by: string; at: string } }
  | { type: 'OperatorLockedOut'; data: { until: string; at: string } }
  | { type: 'OperatorSignedOut'; data: { at: string } };

export interface Operator extends OperatorProfile {
  operatorId: string;
  passwordHash: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: string | null;
  /** null until the operator enrols an authenticator app (and after an admin resets it). */
  mfa: SecondFactor | null;
  createdAt: string;
  updatedAt: string;
}

export type OperatorState = Operator | null;

/** An operator as lists and answers show it: no password hash, no second factor but whether there is one. */
export type OperatorSummary = Omit<Operator, 'passwordHash' | 'mfa'> & { mfaEnrolled: boolean };

export const withoutSecret = ({ passwordHash: _h, mfa, ...o }: Operator): OperatorSummary => ({
  ...o,
  mfaEnrolled: mfa !== null,
});

export interface LockoutPolicy {
  /** Consecutive failures (wrong password or code) that lock the account. */
  maxFailures: number;
  lockMs: number;
}

/**
 * What the caller proved: the password, and for an operator with a second factor, what the code
 * proved (`ok` with the TOTP step or the recovery code's hash, or not). `reseal` re-seals the secret
 * under the current key on the way.
 */
export interface SignInVerdict {
  passwordOk: boolean;
  secondFactor?: { ok: true; totpStep?: number; recoveryCode?: string } | { ok: false };
  reseal?: { keyId: string; ciphertext: string };
}

export function evolve(state: OperatorState, e: OperatorEvent): OperatorState {
  if (e.type === 'OperatorCreated') {
    const { by: _by, at, ...rest } = e.data;
    return { ...rest, disabled: false, failedAttempts: 0, lockedUntil: null, mfa: null, createdAt: at, updatedAt: at };
  }
  if (!state) return state;
  const at = e.data.at;
  switch (e.type) {
    case 'OperatorProfileChanged': {
      const { by: _by, at: _at, ...changes } = e.data;
      return { ...state, ...changes, updatedAt: at };
    }
    case 'OperatorPasswordSet':
      return { ...state, passwordHash: e.data.passwordHash, failedAttempts: 0, lockedUntil: null, updatedAt: at };
    case 'OperatorDisabled':
      return { ...state, disabled: true, updatedAt: at };
    case 'OperatorEnabled':
      return { ...state, disabled: false, updatedAt: at };
    case 'OperatorUnlocked':
      return { ...state, failedAttempts: 0, lockedUntil: null, updatedAt: at };
    case 'OperatorSignedIn': {
      const { totpStep, recoveryCode } = e.data;
      const mfa =
        state.mfa && (totpStep !== undefined || recoveryCode !== undefined)
          ? {
              ...state.mfa,
              lastStep: Math.max(state.mfa.lastStep, totpStep ?? 0),
              recoveryCodes: state.mfa.recoveryCodes.filter((c) => c !== recoveryCode),
            }
          : state.mfa;
      return { ...state, mfa, failedAttempts: 0, lockedUntil: null, updatedAt: at };
    }
    case 'OperatorTotpEnrolled': {
      const { keyId, ciphertext, step, recoveryCodes } = e.data;
      return { ...state, mfa: { keyId, ciphertext, lastStep: step, recoveryCodes }, updatedAt: at };
    }
    case 'OperatorTotpResealed':
      return state.mfa
        ? { ...state, mfa: { ...state.mfa, keyId: e.data.keyId, ciphertext: e.data.ciphertext }, updatedAt: at }
        : state;
    case 'OperatorTotpReset':
      return { ...state, mfa: null, updatedAt: at };
    case 'OperatorSignInFailed':
      return { ...state, failedAttempts: e.data.failedAttempts, updatedAt: at };
    case 'OperatorLockedOut':
      return { ...state, lockedUntil: e.data.until, updatedAt: at };
    case 'OperatorSignedOut':
      return { ...state, updatedAt: at };
  }
}

export const isLocked = (o: Operator, now: Date): boolean =>
  o.lockedUntil !== null && Date.parse(o.lockedUntil) > now.getTime();

/** Whether this operator's role must give a second factor (CONSOLE_MFA_ROLES: admins and supervisors at least). */
export const needsSecondFactor = (o: Pick<Operator, 'role'>, mfaRoles: readonly Role[]): boolean =>
  mfaRoles.includes(o.role);

/**
 * The events of one sign-in attempt. A locked or disabled account is refused whatever the password,
 * and refusals while locked do not extend the lock (so an attacker cannot keep a victim out forever
 * by more than one lock period after they stop). An operator with a second factor needs both: a
 * wrong or missing code counts as a failure like a wrong password (the caller is not told which).
 * `true`/`false` is a verdict on the password alone (no second factor).
 */
export function decideSignIn(
  o: Operator,
  verdict: boolean | SignInVerdict,
  now: Date,
  policy: LockoutPolicy,
): OperatorEvent[] {
  const v: SignInVerdict = typeof verdict === 'boolean' ? { passwordOk: verdict } : verdict;
  const at = now.toISOString();
  if (o.disabled)
    return [{ type: 'OperatorSignInFailed', data: { reason: 'DISABLED', failedAttempts: o.failedAttempts, at } }];
  if (isLocked(o, now))
    return [{ type: 'OperatorSignInFailed', data: { reason: 'LOCKED', failedAttempts: o.failedAttempts, at } }];
  const codeOk = o.mfa === null || v.secondFactor?.ok === true;
  if (v.passwordOk && codeOk) {
    const proof: { totpStep?: number; recoveryCode?: string } = v.secondFactor?.ok ? v.secondFactor : {};
    const signedIn: OperatorEvent = {
      type: 'OperatorSignedIn',
      data: {
        at,
        ...(proof.totpStep !== undefined ? { totpStep: proof.totpStep } : {}),
        ...(proof.recoveryCode !== undefined ? { recoveryCode: proof.recoveryCode } : {}),
      },
    };
    return o.mfa && v.reseal ? [signedIn, { type: 'OperatorTotpResealed', data: { ...v.reseal, at } }] : [signedIn];
  }
  // A lock that has run out starts a fresh count.
  const previous = o.lockedUntil !== null ? 0 : o.failedAttempts;
  const failedAttempts = previous + 1;
  const reason = v.passwordOk ? 'CODE' : 'PASSWORD';
  const events: OperatorEvent[] = [{ type: 'OperatorSignInFailed', data: { reason, failedAttempts, at } }];
  if (failedAttempts >= policy.maxFailures) {
    events.push({
      type: 'OperatorLockedOut',
      data: { until: new Date(now.getTime() + policy.lockMs).toISOString(), at },
    });
  }
  return events;
}

/**
 * Completing the enrolment of an authenticator app: the secret (sealed), the step of the code that
 * proved the app has it, the recovery codes' hashes; it signs the operator in. Nothing when the
 * operator is disabled, locked, or enrolled meanwhile (another browser).
 */
export function decideEnrolment(
  o: Operator,
  e: { keyId: string; ciphertext: string; step: number; recoveryCodes: string[] },
  now: Date,
): OperatorEvent[] {
  if (o.disabled || o.mfa !== null || isLocked(o, now)) return [];
  const at = now.toISOString();
  return [
    { type: 'OperatorTotpEnrolled', data: { ...e, at } },
    { type: 'OperatorSignedIn', data: { at, totpStep: e.step } },
  ];
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;
const SIP = /^sips?:[^\s@]+@[^\s]+$/;

/** Why a profile is refused (field → message), empty when it is fine. */
export function profileProblems(p: Partial<OperatorProfile>): Record<string, string> {
  const problems: Record<string, string> = {};
  if (p.username !== undefined && !USERNAME.test(p.username))
    problems.username = '2–40 lower-case letters, digits, dot, dash or underscore';
  if (p.displayName !== undefined && (p.displayName.trim().length === 0 || p.displayName.length > 80))
    problems.displayName = '1–80 characters';
  if (p.role !== undefined && !ROLES.includes(p.role)) problems.role = `one of ${ROLES.join(', ')}`;
  if (p.team !== undefined && p.team !== null && (p.team.length === 0 || p.team.length > 40))
    problems.team = '1–40 characters';
  if (p.sipAddress !== undefined && p.sipAddress !== '' && !SIP.test(p.sipAddress))
    problems.sipAddress = 'a SIP URI such as sip:operator-12@pbx.example.com';
  return problems;
}
