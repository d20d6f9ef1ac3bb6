// Reading console requests: bodies, text fields with limits, and who is acting. Shared by the
// console's route modules (routes/*.ts).
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../../app/errors';
import type { Acting } from '../../../app/operators-app';
import type { Role } from '../../../operators/operator';
import type { Viewer } from '../../pg/console-queries';

export type Body = Record<string, unknown>;

export const body = (req: Request): Body => (req.body && typeof req.body === 'object' ? (req.body as Body) : {});

/** An optional text field of at most `max` characters; undefined when absent or empty. */
export const text = (b: Body, field: string, max = 200): string | undefined => {
  const v = b[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw new AppError('invalid', `${field} must be text of at most ${max} characters`, [
      { in: 'body', field, message: `at most ${max} characters` },
    ]);
  return v;
};

export const required = (b: Body, field: string, max = 200): string => {
  const v = text(b, field, max);
  if (v === undefined)
    throw new AppError('invalid', `${field} is required`, [{ in: 'body', field, message: 'required' }]);
  return v;
};

export const fieldError = (field: string, message: string) =>
  new AppError('invalid', `${field}: ${message}`, [{ in: 'body', field, message }]);

/** An async handler whose rejection goes to the console's error handler. */
export const wrap =
  (fn: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).catch(next);
  };

export const viewerOf = (o: { operatorId: string; role: Role; team: string | null }): Viewer => ({
  operatorId: o.operatorId,
  role: o.role,
  team: o.team,
});

export const acting = (o: { operatorId: string; role: Role }): Acting => ({
  actor: `operator:${o.operatorId}`,
  role: o.role,
});
