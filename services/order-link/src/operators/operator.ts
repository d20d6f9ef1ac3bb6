/**
 * The Operator aggregate: who may use the console, in which role, and the sign-in history that the
 * lock-out is decided from. Pure: the caller verifies the password (async, I/O-free but slow) and
 * passes the verdict, the time and the policy in.
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
  | { type: 'OperatorSignedIn'; data: { at: string } }
  | {
      type: 'OperatorSignInFailed';
      data: { reason: 'PASSWORD' | 'LOCKED' | 'DISABLED'; failedAttempts: number; at: string };
    }
  | { type: 'OperatorLockedOut'; data: { until: string; at: string } }
  | { type: 'OperatorSignedOut'; data: { at: string } };

export interface Operator extends OperatorProfile {
  operatorId: string;
  passwordHash: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export type OperatorState = Operator | null;

/** An operator as lists and answers show it: no password hash. */
export type OperatorSummary = Omit<Operator, 'passwordHash'>;

export const withoutSecret = ({ passwordHash: _h, ...o }: Operator): OperatorSummary => o;

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  maxFailures: number;
  lockMs: number;
}

export function evolve(state: OperatorState, e: OperatorEvent): OperatorState {
  if (e.type === 'OperatorCreated') {
    const { by: _by, at, ...rest } = e.data;
    return { ...rest, disabled: false, failedAttempts: 0, lockedUntil: null, createdAt: at, updatedAt: at };
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
    case 'OperatorSignedIn':
      return { ...state, failedAttempts: 0, lockedUntil: null, updatedAt: at };
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

/**
 * The events of one sign-in attempt. A locked or disabled account is refused whatever the password,
 * and refusals while locked do not extend the lock (so an attacker cannot keep a victim out forever
 * by more than one lock period after they stop).
 */
export function decideSignIn(o: Operator, passwordOk: boolean, now: Date, policy: LockoutPolicy): OperatorEvent[] {
  const at = now.toISOString();
  if (o.disabled)
    return [{ type: 'OperatorSignInFailed', data: { reason: 'DISABLED', failedAttempts: o.failedAttempts, at } }];
  if (isLocked(o, now))
    return [{ type: 'OperatorSignInFailed', data: { reason: 'LOCKED', failedAttempts: o.failedAttempts, at } }];
  if (passwordOk) return [{ type: 'OperatorSignedIn', data: { at } }];
  // A lock that has run out starts a fresh count.
  const previous = o.lockedUntil !== null ? 0 : o.failedAttempts;
  const failedAttempts = previous + 1;
  const events: OperatorEvent[] = [{ type: 'OperatorSignInFailed', data: { reason: 'PASSWORD', failedAttempts, at } }];
  if (failedAttempts >= policy.maxFailures) {
    events.push({
      type: 'OperatorLockedOut',
      data: { until: new Date(now.getTime() + policy.lockMs).toISOString(), at },
    });
  }
  return events;
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
