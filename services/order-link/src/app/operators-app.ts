import {
  decideSignIn,
  isLocked,
  type LockoutPolicy,
  type Operator,
  type OperatorEvent,
  type OperatorProfile,
  type OperatorSummary,
  profileProblems,
  type Role,
  withoutSecret,
} from '../operators/operator';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../operators/password';
import { AppError } from './errors';
import type { Clock, Operators, Random, Sessions } from './ports';

export interface SessionPolicy extends LockoutPolicy {
  sessionTtlMs: number;
  sessionIdleMs: number;
}

export interface SignedIn {
  operator: OperatorSummary;
  sessionSecret: string;
  csrfToken: string;
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
  ) {}

  /** One answer for every refusal, so that the form does not tell which usernames exist. */
  async signIn(username: string, password: string): Promise<SignedIn> {
    const refused = new AppError('unauthenticated', 'the username or password is wrong, or the account is locked');
    const found = await this.operators.byUsername(username.trim().toLowerCase());
    if (!found) {
      await verifyPassword(password, await decoyHash());
      throw refused;
    }
    const now = this.clock.now();
    // A locked account is refused without spending a hash on it.
    const passwordOk = !isLocked(found, now) && !found.disabled && (await verifyPassword(password, found.passwordHash));
    const { state, events } = await this.operators.execute(
      found.operatorId,
      (s) => (s ? decideSignIn(s, passwordOk, now, this.policy) : []),
      `operator:${found.operatorId}`,
    );
    if (!state || !events.some((e) => e.type === 'OperatorSignedIn')) throw refused;
    const sessionSecret = this.random.token(32);
    const csrfToken = this.random.token(24);
    await this.sessions.create(sessionSecret, state.operatorId, csrfToken, now, this.policy.sessionTtlMs);
    return { operator: withoutSecret(state), sessionSecret, csrfToken };
  }

  async session(secret: string): Promise<{ operator: Operator; csrfToken: string } | null> {
    const s = await this.sessions.find(secret, this.clock.now(), this.policy.sessionIdleMs);
    if (!s) return null;
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
        return events;
      },
      by.actor,
    );
    if (!state) throw new AppError('not_found', `operator ${operatorId} not found`);
    // A password set by an admin (e.g. after a suspected leak) ends the sessions opened with the old one.
    if (passwordHash) await this.sessions.deleteForOperator(operatorId);
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
      const { passwordHash: _h, ...data } = e.data as Record<string, unknown>;
      return { type: e.type, at: e.recordedAt.toISOString(), actor: e.metadata.actor ?? null, data };
    });
  }

  private requireAdmin(by: Acting): void {
    if (by.role !== 'admin' && by.role !== 'cli') throw new AppError('forbidden', 'only an admin can manage operators');
  }
}
