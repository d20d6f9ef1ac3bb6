import { randomBytes } from 'node:crypto';
import type { PspAccount, PspCredentials } from '@ivr/psp';
import type { Keyring } from '@ivr/secret-box';
import type { Pool } from 'pg';
import type { PspAccountRecord, PspAccountStore } from '../../app/ports';

interface Row {
  account_id: string;
  order_system: string;
  provider: PspCredentials['provider'];
  public_ids: { shopId?: string; siteId?: string };
  credentials_ciphertext: Buffer;
  credentials_key_id: string;
  created_at: Date;
  updated_at: Date;
  active: boolean;
}

const toRecord = (r: Row): PspAccountRecord => ({
  accountId: r.account_id,
  orderSystem: r.order_system,
  provider: r.provider,
  ...r.public_ids,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  active: r.active,
});

/**
 * PSP accounts in PostgreSQL, credentials sealed with the keyring (PSP_ACCOUNT_KEYS): the table holds
 * ciphertext, key id and what may be shown (provider, GMO-PG ShopID/SiteID). Opened only to answer the
 * services that call the PSP (PspAccountService over mTLS), never an API caller.
 */
export class PspAccountRepository implements PspAccountStore {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly keyring: Keyring | undefined,
  ) {}

  private get table(): string {
    return `"${this.schema}".psp_accounts`;
  }

  get configured(): boolean {
    return this.keyring !== undefined;
  }

  async active(orderSystem: string): Promise<PspAccountRecord | null> {
    const { rows } = await this.pool.query<Row>(`select * from ${this.table} where order_system = $1 and active`, [
      orderSystem,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Binds the order system to an account with these credentials: the active one's credentials replaced
   * (a rotation: same id, payments in flight follow), or, for another provider, a new account.
   */
  async bind(orderSystem: string, credentials: PspCredentials, now: Date): Promise<PspAccountRecord> {
    const keyring = this.requireKeyring();
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows: current } = await client.query<Row>(
        `select * from ${this.table} where order_system = $1 and active for update`,
        [orderSystem],
      );
      const same = current[0]?.provider === credentials.provider ? current[0] : undefined;
      const accountId = same?.account_id ?? `pa_${randomBytes(12).toString('hex')}`;
      const sealed = keyring.seal(JSON.stringify(credentials), accountId);
      const publicIds =
        credentials.provider === 'gmo-pg' ? { shopId: credentials.shopId, siteId: credentials.siteId } : {};
      let result: { rows: Row[] };
      if (same) {
        result = await client.query<Row>(
          `update ${this.table} set public_ids = $2, credentials_ciphertext = $3, credentials_key_id = $4, updated_at = $5
            where account_id = $1 returning *`,
          [accountId, publicIds, sealed.ciphertext, sealed.keyId, now],
        );
      } else {
        await client.query(
          `update ${this.table} set active = false, updated_at = $2 where order_system = $1 and active`,
          [orderSystem, now],
        );
        result = await client.query<Row>(
          `insert into ${this.table} (account_id, order_system, provider, public_ids, credentials_ciphertext,
             credentials_key_id, created_at, updated_at, active)
           values ($1, $2, $3, $4, $5, $6, $7, $7, true) returning *`,
          [accountId, orderSystem, credentials.provider, publicIds, sealed.ciphertext, sealed.keyId, now],
        );
      }
      await client.query('commit');
      return toRecord(result.rows[0] as Row);
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** The order system's new payments go back to the deployment's default account; the old one stays readable. */
  async unbind(orderSystem: string, now: Date): Promise<PspAccountRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `update ${this.table} set active = false, updated_at = $2 where order_system = $1 and active returning *`,
      [orderSystem, now],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The account with its credentials opened; null when there is none (or its key is not in the ring). */
  async withCredentials(accountId: string): Promise<PspAccount | null> {
    const keyring = this.requireKeyring();
    const { rows } = await this.pool.query<Row>(`select * from ${this.table} where account_id = $1`, [accountId]);
    const row = rows[0];
    if (!row || !keyring.has(row.credentials_key_id)) return null;
    const credentials = JSON.parse(
      keyring.open({ keyId: row.credentials_key_id, ciphertext: row.credentials_ciphertext }, row.account_id),
    ) as PspCredentials;
    return { ...credentials, id: row.account_id };
  }

  /**
   * At start: re-seals credentials of an older key with the current one (rotation: docs/runbook.md).
   * Each row is changed only if it is still as read, so instances starting together do no harm.
   */
  async sealAtRest(): Promise<{ resealed: number; unreadable: number }> {
    if (!this.keyring) return { resealed: 0, unreadable: 0 };
    const keyring = this.keyring;
    const counts = { resealed: 0, unreadable: 0 };
    const { rows } = await this.pool.query<Row>(`select * from ${this.table} where credentials_key_id <> $1`, [
      keyring.currentId,
    ]);
    for (const r of rows) {
      if (!keyring.has(r.credentials_key_id)) {
        counts.unreadable++;
        continue;
      }
      const plain = keyring.open({ keyId: r.credentials_key_id, ciphertext: r.credentials_ciphertext }, r.account_id);
      const sealed = keyring.seal(plain, r.account_id);
      const { rowCount } = await this.pool.query(
        `update ${this.table} set credentials_ciphertext = $2, credentials_key_id = $3
          where account_id = $1 and credentials_key_id = $4`,
        [r.account_id, sealed.ciphertext, sealed.keyId, r.credentials_key_id],
      );
      if (rowCount === 1) counts.resealed++;
    }
    return counts;
  }

  private requireKeyring(): Keyring {
    if (!this.keyring) throw new Error('PSP_ACCOUNT_KEYS is not set: merchants cannot have PSP accounts here');
    return this.keyring;
  }
}
