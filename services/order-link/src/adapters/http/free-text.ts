// Rules every string an order system or operator sends must follow, checked where requests come in
// (REST and gRPC through validation.ts, the console through its router): no U+0000, and no card
// number. Card data enters only through the phone keypad, into the vault; free text that holds a
// card-number-shaped run (docs/security-audit.md, item 4) is refused naming the field, never echoing it.
import { containsCardNumber } from '@ivr/contracts';
import type { NextFunction, Request, Response } from 'express';
import { AppError, type FieldProblem } from '../../app/errors';

export interface TextRule {
  /** True when the string breaks the rule. */
  breaks(text: string): boolean;
  /** What the field problem says about a value, and about an object key. */
  message: string;
  keyMessage: string;
}

/** PostgreSQL cannot store U+0000 in text or jsonb: a 500 at the database otherwise (found by fuzzing). */
export const NO_NUL: TextRule = {
  breaks: (s) => s.includes('\u0000'),
  message: 'must not contain U+0000',
  keyMessage: 'keys must not contain U+0000',
};

export const NO_CARD_NUMBER: TextRule = {
  breaks: containsCardNumber,
  message: 'must not contain a card number (a Luhn-valid run of 13-19 digits); card data is keyed on the phone only',
  keyMessage: 'keys must not contain a card number',
};

/**
 * A problem for every string of `value`, and every object key, that breaks `rule`; fields are named
 * by their path (`metadata.note`), a key by the object holding it. Top-level fields named in `except`
 * (identifiers and addresses, not free text) are skipped.
 */
export function textProblems(
  value: unknown,
  where: FieldProblem['in'],
  rule: TextRule,
  except: ReadonlySet<string> = new Set(),
): FieldProblem[] {
  const found: FieldProblem[] = [];
  const visit = (path: string, v: unknown): void => {
    if (typeof v === 'string') {
      if (rule.breaks(v)) found.push({ in: where, field: path || '(body)', message: rule.message });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (!path && except.has(k)) continue;
        if (rule.breaks(k)) found.push({ in: where, field: path || '(body)', message: rule.keyMessage });
        visit(path ? `${path}.${k}` : k, child);
      }
    }
  };
  visit('', value);
  return found;
}

/** Express middleware: 400 naming each field of the JSON body that holds a card number. */
export function refuseCardNumbers(except: ReadonlySet<string>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const found = textProblems(req.body, 'body', NO_CARD_NUMBER, except);
    if (found.length > 0) throw new AppError('invalid', `${found.length} field(s) hold a card number`, found);
    next();
  };
}
