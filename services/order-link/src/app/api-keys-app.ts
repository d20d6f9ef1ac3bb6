import { AppError } from './errors';
import { type ApiKeyRecord, type ApiKeyStore, type Clock, type Principal, type Random, Scopes } from './ports';

export interface NewApiKey extends ApiKeyRecord {
  /** The full key: returned once, never stored. */
  key: string;
}

/** API keys of order systems: created (shown once), listed without secrets, revoked. */
export class ApiKeysApp {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Also used by the bootstrap CLI, where `createdBy` is the operator at the console. */
  async issue(orderSystem: string, name: string, scopes: string[], createdBy: string): Promise<NewApiKey> {
    const keyId = this.random.token(12);
    const secret = this.random.token(32);
    const createdAt = this.clock.now();
    await this.keys.insert({ keyId, orderSystem, name, scopes, createdBy, createdAt }, secret);
    return {
      keyId,
      orderSystem,
      name,
      scopes,
      createdAt: createdAt.toISOString(),
      createdBy,
      revokedAt: null,
      key: `olk_${keyId}.${secret}`,
    };
  }

  async create(who: Principal, name: string, scopes: string[]): Promise<NewApiKey> {
    this.check(who);
    // A key can hand out only scopes it has itself.
    const missing = scopes.filter((s) => !who.scopes.has(s));
    if (missing.length > 0)
      throw new AppError('forbidden', `this API key cannot grant scopes it lacks: ${missing.join(', ')}`);
    return this.issue(who.orderSystem, name, scopes, `${who.actor.kind}:${who.actor.id}`);
  }

  async list(who: Principal): Promise<ApiKeyRecord[]> {
    this.check(who);
    return this.keys.list(who.orderSystem);
  }

  async revoke(who: Principal, keyId: string): Promise<ApiKeyRecord> {
    this.check(who);
    const revoked = await this.keys.revoke(who.orderSystem, keyId, this.clock.now());
    if (!revoked) throw new AppError('not_found', `API key ${keyId} not found`);
    return revoked;
  }

  /** Every order system's keys: for the console's admins (the console checks the role). */
  listAll(): Promise<ApiKeyRecord[]> {
    return this.keys.listAll();
  }

  /** Revokes a key of any order system: for the console's admins. */
  async revokeOf(orderSystem: string, keyId: string): Promise<ApiKeyRecord> {
    const revoked = await this.keys.revoke(orderSystem, keyId, this.clock.now());
    if (!revoked) throw new AppError('not_found', 'no such API key');
    return revoked;
  }

  private check(who: Principal): void {
    if (!who.scopes.has(Scopes.apiKeysManage))
      throw new AppError('forbidden', `this API key lacks the scope ${Scopes.apiKeysManage}`);
  }
}
