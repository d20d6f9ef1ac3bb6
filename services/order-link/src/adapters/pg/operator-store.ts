import { createHash } from 'node:crypto';
import { type Decider, type EventStore, type EventStoreTransaction, handleCommand } from '@ivr/eventstore';
import type { Pool } from 'pg';
import type { Operators, SessionRecord, Sessions } from '../../app/ports';
import {
  evolve,
  type Operator,
  type OperatorEvent,
  type OperatorState,
  type OperatorSummary,
  withoutSecret,
} from '../../operators/operator';

export const operatorStreamId = (operatorId: string): string => `operator-${operatorId}`;

/** The Operator with its use case's decision as the command (OperatorsApp decides with the verdicts it holds). */
const operatorDecider: Decider<(state: OperatorState) => OperatorEvent[], OperatorEvent, OperatorState> = {
  initialState: () => null,
  decide: (decide, state) => decide(state),
  evolve,
};

interface Row {
  operator_id: string;
  username: string;
  display_name: string;
  role: Operator['role'];
  team: string | null;
  sip_address: string;
  password_hash: string;
  disabled: boolean;
  failed_attempts: number;
  locked_until: Date | null;
  mfa: Operator['mfa'];
  created_at: Date;
  updated_at: Date;
}

const toOperator = (r: Row): Operator => ({
  operatorId: r.operator_id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  team: r.team,
  sipAddress: r.sip_address,
  passwordHash: r.password_hash,
  disabled: r.disabled,
  failedAttempts: r.failed_attempts,
  lockedUntil: r.locked_until?.toISOString() ?? null,
  mfa: r.mfa ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Operator events in the event table (not published: the console is their only reader) and the
 * `operators` projection, written in one transaction; a concurrent writer makes the command run again.
 */
export class OperatorStore implements Operators {
  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
  ) {}

  private get schema(): string {
    return this.store.schema;
  }

  async execute(
    operatorId: string,
    decide: (state: OperatorState) => OperatorEvent[],
    actor: string,
  ): Promise<{ state: OperatorState; events: OperatorEvent[] }> {
    const { state, events } = await handleCommand(this.store, operatorDecider, operatorStreamId(operatorId), decide, {
      streamType: 'Operator',
      metadata: { actor },
      inTransaction: async (tx, { next, version }) => {
        if (next) await this.project(tx, next, version);
      },
    });
    return { state, events };
  }

  private async project(tx: EventStoreTransaction, o: Operator, version: number): Promise<void> {
    await tx.client.query(
      `insert into "${this.schema}".operators (operator_id, username, display_name, role, team, sip_address,
         password_hash, disabled, failed_attempts, locked_until, version, created_at, updated_at, mfa)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       on conflict (operator_id) do update set display_name = excluded.display_name, role = excluded.role,
         team = excluded.team, sip_address = excluded.sip_address, password_hash = excluded.password_hash,
         disabled = excluded.disabled, failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until,
         version = excluded.version, updated_at = excluded.updated_at, mfa = excluded.mfa`,
      [
        o.operatorId,
        o.username,
        o.displayName,
        o.role,
        o.team,
        o.sipAddress,
        o.passwordHash,
        o.disabled,
        o.failedAttempts,
        o.lockedUntil,
        version,
        o.createdAt,
        o.updatedAt,
        o.mfa === null ? null : JSON.stringify(o.mfa),
      ],
    );
    // Disabling an operator ends their sessions.
    if (o.disabled)
      await tx.client.query(`delete from "${this.schema}".operator_sessions where operator_id = $1`, [o.operatorId]);
  }

  async byUsername(username: string): Promise<Operator | null> {
    const { rows } = await this.pool.query<Row>(`select * from "${this.schema}".operators where username = $1`, [
      username,
    ]);
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async byId(operatorId: string): Promise<Operator | null> {
    const { rows } = await this.pool.query<Row>(`select * from "${this.schema}".operators where operator_id = $1`, [
      operatorId,
    ]);
    return rows[0] ? toOperator(rows[0]) : null;
  }

  async list(): Promise<OperatorSummary[]> {
    const { rows } = await this.pool.query<Row>(`select * from "${this.schema}".operators order by username`);
    return rows.map((r) => withoutSecret(toOperator(r)));
  }

  async countAdmins(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `select count(*)::int as n from "${this.schema}".operators where role = 'admin' and not disabled`,
    );
    return rows[0]?.n ?? 0;
  }

  async history(operatorId: string) {
    return this.store.readStream(operatorStreamId(operatorId));
  }
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Browser sessions: the cookie holds a random secret, the table only its hash. */
export class SessionStore implements Sessions {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async create(
    secret: string,
    operatorId: string,
    csrfToken: string,
    now: Date,
    ttlMs: number,
    pendingTotp?: SessionRecord['pendingTotp'],
  ): Promise<void> {
    await this.pool.query(
      `insert into "${this.schema}".operator_sessions (session_sha256, operator_id, csrf_token, created_at, expires_at, last_seen_at, pending_totp)
       values ($1, $2, $3, $4, $5, $4, $6)`,
      [
        sha256(secret),
        operatorId,
        csrfToken,
        now,
        new Date(now.getTime() + ttlMs),
        pendingTotp ? JSON.stringify(pendingTotp) : null,
      ],
    );
  }

  /** The live session of this cookie value, touched; null when unknown, expired or idle too long. */
  async find(secret: string, now: Date, idleMs: number): Promise<SessionRecord | null> {
    const { rows } = await this.pool.query<{
      operator_id: string;
      csrf_token: string;
      expires_at: Date;
      pending_totp: SessionRecord['pendingTotp'];
    }>(
      `update "${this.schema}".operator_sessions set last_seen_at = $2
        where session_sha256 = $1 and expires_at > $2 and last_seen_at > $3
        returning operator_id, csrf_token, expires_at, pending_totp`,
      [sha256(secret), now, new Date(now.getTime() - idleMs)],
    );
    const r = rows[0];
    return r
      ? { operatorId: r.operator_id, csrfToken: r.csrf_token, expiresAt: r.expires_at, pendingTotp: r.pending_totp }
      : null;
  }

  async delete(secret: string): Promise<void> {
    await this.pool.query(`delete from "${this.schema}".operator_sessions where session_sha256 = $1`, [sha256(secret)]);
  }

  /** Signs an operator out everywhere (after a new password is set). */
  async deleteForOperator(operatorId: string): Promise<void> {
    await this.pool.query(`delete from "${this.schema}".operator_sessions where operator_id = $1`, [operatorId]);
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.pool.query(`delete from "${this.schema}".operator_sessions where expires_at <= $1`, [now]);
  }
}
