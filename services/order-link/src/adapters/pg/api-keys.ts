import { createHash, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import type { ApiKeyRecord, ApiKeyStore } from '../../app/ports';

export type { ApiKeyRecord };

interface Row {
  key_id: string;
  order_system: string;
  name: string;
  scopes: string[];
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

const toRecord = (r: Row): ApiKeyRecord => ({
  keyId: r.key_id,
  orderSystem: r.order_system,
  name: r.name,
  scopes: r.scopes,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** A secret has 32 random bytes, so a plain SHA-256 is enough (no password-style stretching needed). */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Key format `olk_<keyId>.<secret>`: the id finds the row, the secret is checked against its hash. */
export function parseApiKey(presented: string): { keyId: string; secret: string } | null {
  const m = /^olk_([A-Za-z0-9_-]{8,40})\.([A-Za-z0-9_-]{20,100})$/.exec(presented);
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

/**
 * How long a verified key is answered from memory: a key revoked through this instance stops working
 * at once, one revoked elsewhere (another replica, the CLI) within this bound (docs/api/README.md).
 */
export const VERIFIED_KEY_CACHE_MS = 5000;
const VERIFIED_KEY_CACHE_MAX = 10_000;

export class ApiKeyRepository implements ApiKeyStore {
  /**
   * Keys verified lately, by the SHA-256 of the key as presented (never the key itself): every request
   * of an order system carries its key, and looking it up each time was a round trip per request.
   */
  private readonly verified = new Map<string, { record: ApiKeyRecord; until: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly cacheMs = VERIFIED_KEY_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async insert(
    record: Omit<ApiKeyRecord, 'revokedAt' | 'createdAt'> & { createdAt: Date },
    secret: string,
  ): Promise<void> {
    await this.pool.query(
      `insert into "${this.schema}".api_keys (key_id, order_system, name, scopes, secret_sha256, created_at, created_by)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.keyId,
        record.orderSystem,
        record.name,
        record.scopes,
        hashSecret(secret),
        record.createdAt,
        record.createdBy,
      ],
    );
  }

  /** The active key matching the presented one, or null (unknown, wrong secret or revoked). */
  async verify(presented: string): Promise<ApiKeyRecord | null> {
    const parsed = parseApiKey(presented);
    if (!parsed) return null;
    const cacheKey = this.cacheMs > 0 ? hashSecret(presented).toString('base64') : '';
    const held = this.verified.get(cacheKey);
    if (held && held.until > this.now()) return held.record;
    if (held) this.verified.delete(cacheKey);
    const record = await this.lookUp(parsed);
    if (record && this.cacheMs > 0) {
      if (this.verified.size >= VERIFIED_KEY_CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(cacheKey, { record, until: this.now() + this.cacheMs });
    }
    return record;
  }

  private async lookUp(parsed: { keyId: string; secret: string }): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<Row & { secret_sha256: Buffer }>(
      `select * from "${this.schema}".api_keys where key_id = $1 and revoked_at is null`,
      [parsed.keyId],
    );
    const row = rows[0];
    if (!row || !timingSafeEqual(row.secret_sha256, hashSecret(parsed.secret))) return null;
    return toRecord(row);
  }

  async list(orderSystem: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `select * from "${this.schema}".api_keys where order_system = $1 order by created_at desc, key_id`,
      [orderSystem],
    );
    return rows.map(toRecord);
  }

  /** Every order system's keys, newest first (the console's admins). */
  async listAll(limit = 500): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `select * from "${this.schema}".api_keys order by created_at desc, key_id limit $1`,
      [limit],
    );
    return rows.map(toRecord);
  }

  /** Revokes a key of this order system; false when there is no such key. Revoking twice is fine. */
  async revoke(orderSystem: string, keyId: string, at: Date): Promise<ApiKeyRecord | null> {
    for (const [cacheKey, held] of this.verified) if (held.record.keyId === keyId) this.verified.delete(cacheKey);
    const { rows } = await this.pool.query<Row>(
      `update "${this.schema}".api_keys set revoked_at = coalesce(revoked_at, $3)
        where order_system = $1 and key_id = $2 returning *`,
      [orderSystem, keyId, at],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
