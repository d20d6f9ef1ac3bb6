import type { Keyring } from '@ivr/secret-box';
import {
  decideEnrolment,
  decideSignIn,
  isLocked,
  type LockoutPolicy,
  needsSecondFactor,
  type Operator,
  type OperatorEvent,
  type OperatorProfile,
  type OperatorSummary,
  profileProblems,
  type Role,
  type SignInVerdict,
  withoutSecret,
} from '../operators/operator';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../operators/password';
import {
  base32Decode,
  base32Encode,
  formatRecoveryCode,
  hashRecoveryCode,
  otpauthUri,
  verifyTotp,
} from '../operators/totp';
import { AppError } from './errors';
import type { Clock, Operators, Random, Sessions } from './ports';

export interface SessionPolicy extends LockoutPolicy {
  sessionTtlMs: number;
  sessionIdleMs: number;
  /** Roles that must sign in with a second factor (admins and supervisors at least). */
  mfaRoles: readonly Role[];
  /** The name authenticator apps show beside the account. */
  totpIssuer: string;
}

/** How long an enrolment may take between the password and the first code. */
export const ENROLMENT_TTL_MS = 10 * 60_000;
const RECOVERY_CODES = 10;

export interface SignedIn {
  operator: OperatorSummary;
  sessionSecret: string;
  csrfToken: string;
}

/**
 * The password was right and the role needs a second factor the operator has not set up: a session
 * that can only confirm the enrolment, and the new secret, shown this once.
 */
export interface EnrolmentStarted {
  enrolment: { otpauthUri: string; secret: string; expiresInSeconds: number };
  sessionSecret: string;
  csrfToken: string;
}

export interface Enrolled extends SignedIn {
  /** Shown once; only their hashes are kept. */
  recoveryCodes: string[];
}

/** Someone acting in the console (or `cli:<user>` for the bootstrap CLI). */
export interface Acting {
  actor: string;
  role: Role | 'cli';
}

export interface ProfileChange {
  displayName?: string;
  role?: Role;
  team?: string | null;
  sipAddress?: string;
  disabled?: boolean;
  password?: string;
  unlock?: boolean;
  /** Removes the operator's second factor: they enrol again at their next sign-in. */
  resetMfa?: boolean;
}

const invalid = (problems: Record<string, string>) =>
  new AppError(
    'invalid',
    Object.values(problems).join('; '),
    Object.entries(problems).map(([field, message]) => ({ in: 'body' as const, field, message })),
  );

/** Operators and their sessions: sign-in with lock-out, sign-out, and the admin's operations. */
export class OperatorsApp {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: Sessions,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly policy: SessionPolicy,
    /** OPERATOR_TOTP_KEYS: seals the second factors' secrets (absent in the CLI, which needs none). */
    private readonly totpKeys?: Keyring,
  ) {}

  /**
   * One answer for every refusal (wrong password, wrong or missing code, locked, disabled, unknown),
   * so that the form tells neither which usernames exist nor which factor failed. An operator whose
   * role needs a second factor and who has none yet gets an enrolment instead of a session.
   */
  async signIn(username: string, password: string, code = ''): Promise<SignedIn | EnrolmentStarted> {
    const refused = new AppError(
      'unauthenticated',
      'the username, password or code is wrong, or the account is locked',
    );
    const found = await this.operators.byUsername(username.trim().toLowerCase());
    if (!found) {
      await verifyPassword(password, await decoyHash());
      throw refused;
    }
    const now = this.clock.now();
    // A locked account is refused without spending a hash on it.
    const passwordOk = !isLocked(found, now) && !found.disabled && (await verifyPassword(password, found.passwordHash));
    if (passwordOk && needsSecondFactor(found, this.policy.mfaRoles) && found.mfa === null)
      return this.startEnrolment(found, now);
    const verdict: SignInVerdict = { passwordOk };
    if (passwordOk && found.mfa) Object.assign(verdict, this.checkCode(found, code.trim(), now));
    const { state, events } = await this.operators.execute(
      found.operatorId,
      (s) => (s ? decideSignIn(s, verdict, now, this.policy) : []),
      `operator:${found.operatorId}`,
    );
    if (!state || !events.some((e) => e.type === 'OperatorSignedIn')) throw refused;
    return this.openSession(state, now);
  }

  /** The code typed at sign-in against the operator's second factor: a TOTP code or a recovery code. */
  private checkCode(o: Operator, code: string, now: Date): Pick<SignInVerdict, 'secondFactor' | 'reseal'> {
    const mfa = o.mfa!;
    if (/^\d{6}$/.test(code)) {
      const secret = base32Decode(
        this.keyring().open({ keyId: mfa.keyId, ciphertext: Buffer.from(mfa.ciphertext, 'base64') }, o.operatorId),
      );
      const step = secret ? verifyTotp(secret, code, now, mfa.lastStep) : null;
      if (step === null) return { secondFactor: { ok: false } };
      return { secondFactor: { ok: true, totpStep: step }, ...this.resealed(o) };
    }
    const hash = code ? hashRecoveryCode(code) : '';
    return mfa.recoveryCodes.includes(hash)
      ? { secondFactor: { ok: true, recoveryCode: hash } }
      : { secondFactor: { ok: false } };
  }

  /** The secret sealed under the current key, when it is under an older one (key rotation). */
  private resealed(o: Operator): Pick<SignInVerdict, 'reseal'> {
    const ring = this.keyring();
    const mfa = o.mfa!;
    if (mfa.keyId === ring.currentId) return {};
    const plain = ring.open({ keyId: mfa.keyId, ciphertext: Buffer.from(mfa.ciphertext, 'base64') }, o.operatorId);
    const sealed = ring.seal(plain, o.operatorId);
    return { reseal: { keyId: sealed.keyId, ciphertext: sealed.ciphertext.toString('base64') } };
  }

  private async startEnrolment(o: Operator, now: Date): Promise<EnrolmentStarted> {
    const secret = base32Encode(Buffer.from(this.random.token(20), 'base64url').subarray(0, 20));
    const sealed = this.keyring().seal(secret, o.operatorId);
    const sessionSecret = this.random.token(32);
    const csrfToken = this.random.token(24);
    await this.sessions.create(sessionSecret, o.operatorId, csrfToken, now, ENROLMENT_TTL_MS, {
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext.toString('base64'),
    });
    return {
      enrolment: {
        otpauthUri: otpauthUri(this.policy.totpIssuer, o.username, secret),
        secret,
        expiresInSeconds: ENROLMENT_TTL_MS / 1000,
      },
      sessionSecret,
      csrfToken,
    };
  }

  /**
   * Completes an enrolment: the first code from the app proves it holds the secret. The enrolling
   * session ends and a full one (a new cookie value) begins; the recovery codes are shown once.
   */
  async confirmEnrolment(sessionSecret: string, csrfToken: string | undefined, code: string): Promise<Enrolled> {
    const now = this.clock.now();
    const s = await this.sessions.find(sessionSecret, now, ENROLMENT_TTL_MS);
    if (!s?.pendingTotp) throw new AppError('unauthenticated', 'the enrolment has ended; sign in again');
    if (csrfToken !== s.csrfToken) throw new AppError('forbidden', 'missing or wrong CSRF token; reload the page');
    const pending = s.pendingTotp;
    const secret = base32Decode(
      this.keyring().open(
        { keyId: pending.keyId, ciphertext: Buffer.from(pending.ciphertext, 'base64') },
        s.operatorId,
      ),
    );
    const step = secret ? verifyTotp(secret, code.trim(), now, -1) : null;
    if (step === null)
      throw new AppError('invalid', 'the code does not match; type the code the app shows now', [
        { in: 'body', field: 'code', message: 'not the code of this secret now' },
      ]);
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () =>
      formatRecoveryCode(Buffer.from(this.random.token(8), 'base64url')),
    );
    const { state, events } = await this.operators.execute(
      s.operatorId,
      (o) =>
        o ? decideEnrolment(o, { ...pending, step, recoveryCodes: recoveryCodes.map(hashRecoveryCode) }, now) : [],
      `operator:${s.operatorId}`,
    );
    await this.sessions.delete(sessionSecret);
    if (!state || events.length === 0)
      throw new AppError(
        'conflict',
        'the account cannot enrol now (enrolled elsewhere, locked or disabled); sign in again',
      );
    return { ...(await this.openSession(state, now)), recoveryCodes };
  }

  private async openSession(o: Operator, now: Date): Promise<SignedIn> {
    const sessionSecret = this.random.token(32);
    const csrfToken = this.random.token(24);
    await this.sessions.create(sessionSecret, o.operatorId, csrfToken, now, this.policy.sessionTtlMs);
    return { operator: withoutSecret(o), sessionSecret, csrfToken };
  }

  private keyring(): Keyring {
    if (!this.totpKeys) throw new AppError('unavailable', 'second factors cannot be read here (no OPERATOR_TOTP_KEYS)');
    return this.totpKeys;
  }

  async session(secret: string): Promise<{ operator: Operator; csrfToken: string } | null> {
    const s = await this.sessions.find(secret, this.clock.now(), this.policy.sessionIdleMs);
    // An enrolling session opens nothing but the enrolment.
    if (!s || s.pendingTotp) return null;
    const operator = await this.operators.byId(s.operatorId);
    if (!operator || operator.disabled) return null;
    return { operator, csrfToken: s.csrfToken };
  }

  async signOut(secret: string, operatorId: string): Promise<void> {
    await this.sessions.delete(secret);
    const at = this.clock.now().toISOString();
    await this.operators.execute(
      operatorId,
      (s) => (s ? [{ type: 'OperatorSignedOut', data: { at } }] : []),
      `operator:${operatorId}`,
    );
  }

  async create(by: Acting, profile: OperatorProfile, password: string): Promise<OperatorSummary> {
    this.requireAdmin(by);
    const problems = profileProblems(profile);
    const weak = passwordProblem(password);
    if (weak) problems.password = weak;
    if (Object.keys(problems).length > 0) throw invalid(problems);
    const username = profile.username.toLowerCase();
    if (await this.operators.byUsername(username)) throw new AppError('conflict', `the username ${username} is taken`);
    const operatorId = `op_${this.random.token(9)}`;
    const passwordHash = await hashPassword(password);
    const at = this.clock.now().toISOString();
    const { state } = await this.operators.execute(
      operatorId,
      (s) =>
        s
          ? []
          : [
              {
                type: 'OperatorCreated',
                data: { ...profile, username, team: profile.team || null, operatorId, passwordHash, by: by.actor, at },
              },
            ],
      by.actor,
    );
    if (!state) throw new AppError('conflict', 'the operator could not be created; try again');
    return withoutSecret(state);
  }

  async change(by: Acting, operatorId: string, c: ProfileChange): Promise<OperatorSummary> {
    this.requireAdmin(by);
    const problems = profileProblems(c);
    const weak = c.password !== undefined ? passwordProblem(c.password) : null;
    if (weak) problems.password = weak;
    if (Object.keys(problems).length > 0) throw invalid(problems);
    const current = await this.operators.byId(operatorId);
    if (!current) throw new AppError('not_found', `operator ${operatorId} not found`);
    const leavesAdmin = current.role === 'admin' && ((c.role && c.role !== 'admin') || c.disabled === true);
    if (leavesAdmin && (await this.operators.countAdmins()) <= 1)
      throw new AppError('invalid_state', 'this is the last active admin; make another admin first');
    const passwordHash = c.password !== undefined ? await hashPassword(c.password) : undefined;
    const at = this.clock.now().toISOString();
    const { state } = await this.operators.execute(
      operatorId,
      (s) => {
        if (!s) return [];
        const events: OperatorEvent[] = [];
        const profile: Partial<OperatorProfile> = {};
        if (c.displayName !== undefined && c.displayName !== s.displayName) profile.displayName = c.displayName;
        if (c.role !== undefined && c.role !== s.role) profile.role = c.role;
        if (c.team !== undefined && (c.team || null) !== s.team) profile.team = c.team || null;
        if (c.sipAddress !== undefined && c.sipAddress !== s.sipAddress) profile.sipAddress = c.sipAddress;
        if (Object.keys(profile).length > 0)
          events.push({ type: 'OperatorProfileChanged', data: { ...profile, by: by.actor, at } });
        if (passwordHash) events.push({ type: 'OperatorPasswordSet', data: { passwordHash, by: by.actor, at } });
        if (c.disabled === true && !s.disabled) events.push({ type: 'OperatorDisabled', data: { by: by.actor, at } });
        if (c.disabled === false && s.disabled) events.push({ type: 'OperatorEnabled', data: { by: by.actor, at } });
        if (c.unlock && (s.lockedUntil || s.failedAttempts > 0))
          events.push({ type: 'OperatorUnlocked', data: { by: by.actor, at } });
        if (c.resetMfa && s.mfa) events.push({ type: 'OperatorTotpReset', data: { by: by.actor, at } });
        return events;
      },
      by.actor,
    );
    if (!state) throw new AppError('not_found', `operator ${operatorId} not found`);
    // A password set by an admin (e.g. after a suspected leak) ends the sessions opened with the old one;
    // so does a reset second factor (a lost phone), and a move into a role that needs one not set up.
    const intoMfaRole = c.role !== undefined && needsSecondFactor(state, this.policy.mfaRoles) && !state.mfa;
    if (passwordHash || c.resetMfa || intoMfaRole) await this.sessions.deleteForOperator(operatorId);
    return withoutSecret(state);
  }

  async list(by: Acting): Promise<OperatorSummary[]> {
    if (by.role === 'operator') throw new AppError('forbidden', 'operators cannot list operators');
    return this.operators.list();
  }

  /** The audit trail of one operator (sign-ins, failures, lock-outs, changes), without hashes. */
  async history(by: Acting, operatorId: string) {
    this.requireAdmin(by);
    const events = await this.operators.history(operatorId);
    return events.map((e) => {
      const {
        passwordHash: _h,
        ciphertext: _c,
        recoveryCodes: _r,
        recoveryCode,
        ...data
      } = e.data as Record<string, unknown>;
      if (recoveryCode !== undefined) data.recoveryCode = 'used';
      return { type: e.type, at: e.recordedAt.toISOString(), actor: e.metadata.actor ?? null, data };
    });
  }

  private requireAdmin(by: Acting): void {
    if (by.role !== 'admin' && by.role !== 'cli') throw new AppError('forbidden', 'only an admin can manage operators');
  }
}
