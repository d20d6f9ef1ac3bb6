import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../app/errors';
import type { Principal } from '../../app/ports';
import type { ApiKeyRepository } from '../pg/api-keys';

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
