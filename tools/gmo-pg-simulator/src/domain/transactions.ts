import type { CardBrand } from '@ivr/psp-simulator';
import { E } from './codes';
import { DAY_MS, japanDay, japanMonth } from './japan-time';
import type { CardOutcome } from './test-cards';

/** GMO-PG's transaction statuses (docs/psp/gmo-pg.md §4). */
export type Status =
  | 'UNPROCESSED'
  | 'AUTHENTICATED'
  | 'CHECK'
  | 'CAPTURE'
  | 'AUTH'
  | 'SALES'
  | 'VOID'
  | 'RETURN'
  | 'RETURNX'
  | 'SAUTH';

/** The card a transaction was paid with: never the number, only what GMO-PG shows of it. */
export interface CardOnTransaction {
  bin: string;
  last4: string;
  length: number;
  brand: CardBrand;
  expire: string;
  outcome: CardOutcome;
}

/** One operation that changed the transaction, with the money it left reserved (`held`) and taken (`settled`). */
export interface LedgerEntry {
  at: string;
  api: 'ExecTran' | 'AlterTran' | 'ChangeTran';
  jobCd: string;
  amount: number;
  status: Status;
  tranId: string;
  held: number;
  settled: number;
}

export interface Transaction {
  shopId: string;
  orderId: string;
  accessId: string;
  accessPass: string;
  /** The JobCd EntryTran registered: what ExecTran will do. */
  entryJobCd: 'CHECK' | 'CAPTURE' | 'AUTH' | 'SAUTH';
  itemCode: string;
  status: Status;
  jobCd: string;
  amount: number;
  tax: number;
  method: string;
  payTimes: string;
  card: CardOnTransaction | null;
  siteId: string;
  memberId: string;
  forward: string;
  approve: string;
  tranId: string;
  tranDate: string;
  clientFields: [string, string, string];
  enteredAt: number;
  executedAt: number | null;
  /** The last operation that moved money or changed the status (the day of a VOID is judged on it). */
  processedAt: number;
  ledger: LedgerEntry[];
  /** Declined ExecTran attempts (the transaction stays UNPROCESSED and may be executed again). */
  declines: { at: string; errInfo: string }[];
}

const CANCELLABLE: readonly Status[] = ['AUTH', 'CAPTURE', 'SALES', 'SAUTH'];
/** Transactions older than this cannot be changed (E11010010..17, "more than 180 days"). */
const MAX_AGE_MS = 180 * DAY_MS;
/** How long an authorization can be captured. GMO-PG's period is per contract; unconfirmed. */
export const AUTHORIZATION_VALID_MS = 90 * DAY_MS;

export function money(status: Status, amount: number): { held: number; settled: number } {
  return {
    held: status === 'AUTH' ? amount : 0,
    settled: status === 'CAPTURE' || status === 'SALES' || status === 'SAUTH' ? amount : 0,
  };
}

type Rule = { status: Status; amount: number } | { errInfo: string };

function notChangeable(tx: Transaction, now: number): string | undefined {
  if (tx.status === 'UNPROCESSED' || tx.status === 'AUTHENTICATED') return E.notExecuted;
  if (now - tx.processedAt > MAX_AGE_MS) return E.tooOld;
  return undefined;
}

/**
 * AlterTran: SALES captures an AUTH for exactly its amount; VOID cancels on the day of the last
 * processing (Japan time), RETURN on a later day of the same month, RETURNX in a later month.
 */
export function alterRule(
  tx: Transaction,
  jobCd: 'SALES' | 'VOID' | 'RETURN' | 'RETURNX',
  amount: number | undefined,
  now: number,
): Rule {
  const blocked = notChangeable(tx, now);
  if (blocked) return { errInfo: blocked };
  if (jobCd === 'SALES') {
    if (tx.status !== 'AUTH') return { errInfo: E.jobNotApplicable };
    if (amount !== tx.amount) return { errInfo: E.amountMismatch };
    if (now - (tx.executedAt ?? tx.processedAt) > AUTHORIZATION_VALID_MS) return { errInfo: E.authorizationTooOld };
    return { status: 'SALES', amount: tx.amount };
  }
  if (!CANCELLABLE.includes(tx.status)) return { errInfo: E.jobNotApplicable };
  const sameDay = japanDay(now) === japanDay(tx.processedAt);
  const sameMonth = japanMonth(now) === japanMonth(tx.processedAt);
  const fits = jobCd === 'VOID' ? sameDay : jobCd === 'RETURN' ? !sameDay && sameMonth : !sameMonth;
  return fits ? { status: jobCd, amount: tx.amount } : { errInfo: E.jobNotApplicable };
}

/**
 * ChangeTran: a new authorization for the new amount. AUTH stays AUTH; a charged payment (CAPTURE or SALES)
 * takes CAPTURE or SALES; SAUTH stays SAUTH. The status becomes the JobCd given.
 */
export function changeRule(
  tx: Transaction,
  jobCd: 'CAPTURE' | 'AUTH' | 'SAUTH' | 'SALES',
  amount: number,
  now: number,
): Rule {
  const blocked = notChangeable(tx, now);
  if (blocked) return { errInfo: blocked };
  const allowed: Partial<Record<Status, readonly string[]>> = {
    AUTH: ['AUTH'],
    CAPTURE: ['CAPTURE', 'SALES'],
    SALES: ['CAPTURE', 'SALES'],
    SAUTH: ['SAUTH'],
  };
  if (!allowed[tx.status]?.includes(jobCd)) return { errInfo: E.jobNotApplicable };
  return { status: jobCd, amount };
}

export interface LedgerSummary {
  /** Successful ExecTran calls that moved money (AUTH, CAPTURE, SAUTH): above 1 is a double charge. */
  charges: number;
  /** Amount reserved now (status AUTH). */
  held: number;
  /** Amount taken now (CAPTURE, SALES, SAUTH). */
  settled: number;
  /** Everything given back after being taken: lowered amounts and cancelled charges. */
  refunded: number;
  /** VOID, RETURN or RETURNX. */
  cancelled: boolean;
}

export function summarize(tx: Transaction): LedgerSummary {
  let previousSettled = 0;
  let refunded = 0;
  let charges = 0;
  for (const entry of tx.ledger) {
    if (entry.api === 'ExecTran' && entry.jobCd !== 'CHECK') charges += 1;
    if (entry.settled < previousSettled) refunded += previousSettled - entry.settled;
    previousSettled = entry.settled;
  }
  const { held, settled } = money(tx.status, tx.amount);
  return {
    charges,
    held,
    settled,
    refunded,
    cancelled: tx.status === 'VOID' || tx.status === 'RETURN' || tx.status === 'RETURNX',
  };
}
