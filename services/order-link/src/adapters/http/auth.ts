import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../app/errors';
import type { Principal } from '../../app/ports';
import type { ApiKeyRepository } from '../pg/api-keys';
import type { JsonObject } from './openapi';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Authenticates `Authorization: Bearer olk_...`. Operator sessions (management screen) will add a
 * second way to become a Principal; routes only ever look at `req.principal`.
 */
export function apiKeyAuth(keys: ApiKeyRepository) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (req.principal) return next();
    const header = req.get('authorization');
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) throw new AppError('unauthenticated', 'send your API key as `Authorization: Bearer <key>`');
    const key = await keys.verify(m[1]!);
    if (!key) throw new AppError('unauthenticated', 'the API key is unknown or revoked');
    req.principal = {
      actor: { kind: 'api_key', id: key.keyId, orderSystem: key.orderSystem },
      orderSystem: key.orderSystem,
      scopes: new Set(key.scopes),
    };
    next();
  };
}

/** The scope each operation of the document needs (`x-scope`); an operation without one is a mistake. */
export function operationScopes(doc: JsonObject): Map<string, string> {
  const scopes = new Map<string, string>();
  for (const item of Object.values(doc.paths as JsonObject))
    for (const op of Object.values(item as JsonObject) as JsonObject[]) {
      if (typeof op['x-scope'] !== 'string') throw new Error(`operation ${String(op.operationId)} declares no x-scope`);
      scopes.set(String(op.operationId), op['x-scope']);
    }
  return scopes;
}

/**
 * 403 unless the API key has the operation's scope. Runs before anything else of the operation, so
 * that no stored answer (an idempotency replay) reaches a key that may not make the request itself.
 */
export function requireScope(scope: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.principal?.scopes.has(scope)) throw new AppError('forbidden', `this API key lacks the scope ${scope}`);
    next();
  };
}
