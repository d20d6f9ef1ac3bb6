import { ApiKeyRepository } from '../src/adapters/pg/api-keys';
import { type Harness, startHarness } from './harness';

describe('verified API keys held in memory', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('olkeys');
  });
  afterAll(() => h.close());

  it('answers a verified key from memory, forgets it on revocation here and within the bound elsewhere', async () => {
    let now = 0;
    const here = new ApiKeyRepository(h.pool, h.schema, 5000, () => now);
    const elsewhere = new ApiKeyRepository(h.pool, h.schema, 5000, () => now);
    const issued = await h.core.apiKeys.issue('shop', 'cached', ['payments:read'], 'test');
    const other = await h.core.apiKeys.issue('shop', 'cached-2', ['payments:read'], 'test');
    expect((await here.verify(issued.key))?.keyId).toBe(issued.keyId);
    expect((await elsewhere.verify(issued.key))?.keyId).toBe(issued.keyId);
    expect(await here.verify(`${issued.key.split('.')[0]}.${'x'.repeat(43)}`)).toBeNull(); // wrong secret

    // Revoked through this instance: refused at once.
    await here.revoke('shop', issued.keyId, new Date());
    expect(await here.verify(issued.key)).toBeNull();
    // Another instance (replica) still holds it until the bound, then asks the database again.
    expect((await elsewhere.verify(issued.key))?.keyId).toBe(issued.keyId);
    now += 5001;
    expect(await elsewhere.verify(issued.key)).toBeNull();

    // A key revoked after being verified is held no longer than the bound either.
    expect((await elsewhere.verify(other.key))?.keyId).toBe(other.keyId);
    await h.pool.query(`update "${h.schema}".api_keys set revoked_at = now() where key_id = $1`, [other.keyId]);
    now += 5001;
    expect(await elsewhere.verify(other.key)).toBeNull();
  });
});
