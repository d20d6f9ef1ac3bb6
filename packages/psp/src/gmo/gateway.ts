import type { GmoPgCredentials } from '../account';
import type {
  AuthorizeRequest,
  AuthorizeResult,
  CaptureRequest,
  CaptureResult,
  ChargeStoredCardRequest,
  FindAuthorizationQuery,
  FoundAuthorization,
  GatewayCapabilities,
  PaymentGateway,
  RefundRequest,
  RefundResult,
  RegisterCardRequest,
  RegisterCardResult,
  VoidRequest,
  VoidResult,
} from '../gateway';
import { type GatewayOutcome, notOk, ok } from '../outcome';
import { GMO, hasErrInfo, outcomeOfGmoErrors } from './errors';
import { type GmoApi, type GmoExchange, GmoHttp } from './http';
import { gmoOrderId, japanDate, parseGmoCardReference } from './references';
import { type GmoField, requireFields } from './wire';

export interface GmoPgGatewayOptions {
  baseUrl: string;
  credentials: GmoPgCredentials;
  timeoutMs: number;
  /** Picks VOID, RETURN or RETURNX by Japan-time date. */
  now?: () => number;
}

/** GMO-PG's largest Amount (7 digits; Amount + Tax at most 9,999,999). */
const MAX_AMOUNT = 9_999_999;

type Cancel = 'VOID' | 'RETURN' | 'RETURNX';

/** A transaction as SearchTrade answers it. */
interface Trade {
  orderId: string;
  status: string;
  jobCd: string;
  amount: number;
  accessId: string;
  accessPass: string;
  approve: string;
  tranId: string;
  /** yyyyMMddHHmmss, Japan time. */
  processDate: string;
}

const CHARGED = ['AUTH', 'CAPTURE', 'SALES', 'SAUTH'];
const CANCELLED = ['VOID', 'RETURN', 'RETURNX'];

/**
 * GMO Payment Gateway's protocol-type card API (docs/psp/gmo-pg.md; decisions 0009 and 0006). The card
 * was registered by the vault (SaveMember/SaveCard); this side never sees it and pays by MemberID and
 * physical CardSeq. The OrderID (derived from the payment id) is the idempotency key: every retry enters
 * the same OrderID, and an unknown outcome is settled by SearchTrade, never by a blind second charge.
 * AccessID/AccessPass are never kept: each change looks the transaction up by OrderID first, so the
 * per-transaction secret stays out of events and logs. `pspReference` is the OrderID.
 */
export class GmoPgGateway implements PaymentGateway {
  readonly provider = 'gmo-pg' as const;
  readonly capabilities: GatewayCapabilities = {
    partialCapture: true,
    multipleCaptures: false,
    partialRefund: true,
    idempotencyRetentionMs: Number.POSITIVE_INFINITY,
  };
  private readonly http: GmoHttp;
  private readonly now: () => number;

  constructor(private readonly options: GmoPgGatewayOptions) {
    this.http = new GmoHttp(options.baseUrl, options.timeoutMs);
    this.now = options.now ?? Date.now;
  }

  authorize(request: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeResult>> {
    return this.pay(request, request.cardToken);
  }

  chargeStoredCard(request: ChargeStoredCardRequest): Promise<GatewayOutcome<AuthorizeResult>> {
    return this.pay(request, request.storedCardReference);
  }

  async capture(request: CaptureRequest): Promise<GatewayOutcome<CaptureResult>> {
    const found = await this.trade(request.pspReference);
    if (found.kind !== 'ok') return notOk(found);
    const t = found.value;
    const wanted = request.amount?.minorUnits ?? t.amount;
    const captured = () => ok({ pspReference: t.orderId, capturedAmount: yen(wanted) });
    if (request.amount && request.amount.currency !== 'JPY') return jpyOnly();
    if (t.status === 'SALES' || t.status === 'CAPTURE') {
      // Captured by an earlier try of this capture (its answer was lost), or by another amount: say which.
      return t.amount === wanted ? captured() : refusedState(t, `captured ${t.amount}, not ${wanted}`);
    }
    if (t.status !== 'AUTH') return refusedState(t, 'not an authorization');
    if (wanted > t.amount) {
      return {
        kind: 'rejected',
        code: 'amount_too_large',
        message: `capture ${wanted} exceeds the authorized ${t.amount}`,
        param: 'Amount',
      };
    }
    // GMO-PG captures the whole authorization only: a smaller capture lowers the authorization first.
    if (wanted < t.amount) {
      const changed = await this.change('ChangeTran', t, 'AUTH', wanted);
      if (changed.kind !== 'ok') return notOk(changed);
    }
    const sold = await this.change('AlterTran', t, 'SALES', wanted);
    return sold.kind === 'ok' ? captured() : notOk(sold);
  }

  async void(request: VoidRequest): Promise<GatewayOutcome<VoidResult>> {
    const found = await this.trade(request.pspReference);
    if (found.kind !== 'ok') return notOk(found);
    const t = found.value;
    if (CANCELLED.includes(t.status)) return ok({ pspReference: t.orderId });
    if (t.status !== 'AUTH') return refusedState(t, 'only an authorization not captured can be voided');
    const cancelled = await this.cancel(t);
    return cancelled.kind === 'ok' ? ok({ pspReference: t.orderId }) : notOk(cancelled);
  }

  /**
   * All of what is left: AlterTran VOID/RETURN/RETURNX; part of it: ChangeTran to the remaining amount.
   * GMO-PG has no idempotency key for these, so the transaction's amount tells whether this refund was
   * already done: it equals `capturedBefore` (to do) or `capturedBefore - amount` (done).
   */
  async refund(request: RefundRequest): Promise<GatewayOutcome<RefundResult>> {
    if (request.amount.currency !== 'JPY' || request.capturedBefore.currency !== 'JPY') return jpyOnly();
    const found = await this.trade(request.pspReference);
    if (found.kind !== 'ok') return notOk(found);
    const t = found.value;
    const before = request.capturedBefore.minorUnits;
    const after = before - request.amount.minorUnits;
    const refunded = (tranId: string) =>
      ok({ pspReference: t.orderId, refundReference: tranId, refundedAmount: yen(request.amount.minorUnits) });
    if (request.amount.minorUnits <= 0 || after < 0) {
      return {
        kind: 'rejected',
        code: 'amount_invalid',
        message: `refund ${request.amount.minorUnits} of ${before}`,
        param: 'Amount',
      };
    }
    if (CANCELLED.includes(t.status)) {
      return after === 0 ? refunded(t.tranId) : refusedState(t, 'the payment is cancelled');
    }
    if (!['CAPTURE', 'SALES', 'SAUTH'].includes(t.status)) return refusedState(t, 'nothing captured to refund');
    if (after > 0 && t.amount === after) return refunded(t.tranId);
    if (t.amount !== before) {
      return {
        kind: 'rejected',
        code: 'amount_mismatch',
        message: `GMO-PG holds ${t.amount} for ${t.orderId}, the product expected ${before} before this refund`,
      };
    }
    const done = after === 0 ? await this.cancel(t) : await this.change('ChangeTran', t, t.status, after);
    return done.kind === 'ok' ? refunded(done.value) : notOk(done);
  }

  /** The vault registered the card already (SaveCard checked it); this confirms it is there to charge later. */
  async registerCard(request: RegisterCardRequest): Promise<GatewayOutcome<RegisterCardResult>> {
    const card = parseGmoCardReference(request.cardToken);
    if (!card) return notACardReference();
    const { siteId, sitePass } = this.options.credentials;
    const searched = await this.http.post('SearchCard', [
      ['SiteID', siteId],
      ['SitePass', sitePass],
      ['MemberID', card.memberId],
      ['SeqMode', 1],
      ['CardSeq', card.cardSeq],
    ]);
    if (searched.kind === 'refused') return outcomeOfGmoErrors(searched.errors);
    if (searched.kind !== 'answered') return searched;
    if (searched.fields.get('DeleteFlag') === '1') {
      return { kind: 'rejected', code: 'card_deleted', message: `card ${card.cardSeq} of the member was deleted` };
    }
    return ok({
      customerReference: card.memberId,
      storedCardReference: request.cardToken,
      pspReference: request.cardToken,
    });
  }

  async findAuthorization(query: FindAuthorizationQuery): Promise<GatewayOutcome<FoundAuthorization | null>> {
    const found = await this.trade(gmoOrderId(query.paymentId));
    if (found.kind === 'rejected' && found.code === GMO.tranNotFound) return ok(null);
    if (found.kind !== 'ok') return notOk(found);
    const t = found.value;
    const status: FoundAuthorization['status'] =
      t.status === 'AUTH'
        ? 'authorized'
        : ['CAPTURE', 'SALES', 'SAUTH'].includes(t.status)
          ? 'captured'
          : CANCELLED.includes(t.status)
            ? 'voided'
            : 'pending';
    return ok({ status, pspReference: t.orderId, amount: yen(t.amount), authorizationCode: t.approve });
  }

  /** EntryTran + ExecTran by member and card sequence, resumed from wherever an earlier try stopped. */
  private async pay(
    request: Omit<AuthorizeRequest, 'cardToken' | 'customerReference'>,
    cardReference: string,
  ): Promise<GatewayOutcome<AuthorizeResult>> {
    const card = parseGmoCardReference(cardReference);
    if (!card) return notACardReference();
    if (request.amount.currency !== 'JPY') return jpyOnly();
    const amount = request.amount.minorUnits;
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
      return {
        kind: 'rejected',
        code: 'amount_invalid',
        message: `GMO-PG takes 1 to ${MAX_AMOUNT} yen`,
        param: 'Amount',
      };
    }
    const orderId = gmoOrderId(request.paymentId);
    const jobCd = request.capture ? 'CAPTURE' : 'AUTH';
    const { shopId, shopPass, siteId, sitePass } = this.options.credentials;
    const settled = (t: Trade) => this.settledPayment(t);

    let access: { AccessID: string; AccessPass: string };
    const entered = await this.http.post('EntryTran', [
      ['ShopID', shopId],
      ['ShopPass', shopPass],
      ['OrderID', orderId],
      ['JobCd', jobCd],
      ['Amount', amount],
    ]);
    if (entered.kind === 'answered') {
      const fields = requireFields(entered.fields, ['AccessID', 'AccessPass'] as const);
      if ('missing' in fields) return malformed('EntryTran', fields.missing);
      access = fields;
    } else if (entered.kind === 'refused' && hasErrInfo(entered.errors, GMO.orderIdUsed)) {
      // An earlier try entered this OrderID: carry on with its transaction, or answer what it became.
      const found = await this.trade(orderId);
      if (found.kind !== 'ok')
        return found.kind === 'rejected' && found.code === GMO.tranNotFound ? unknownTrade(orderId) : notOk(found);
      const t = found.value;
      if (t.status !== 'UNPROCESSED') return settled(t);
      if (t.amount !== amount || t.jobCd !== jobCd) {
        return {
          kind: 'rejected',
          code: 'order_id_in_use',
          message: `OrderID ${orderId} was entered for ${t.jobCd} ${t.amount}, not ${jobCd} ${amount}`,
        };
      }
      access = { AccessID: t.accessId, AccessPass: t.accessPass };
    } else {
      return entered.kind === 'refused' ? outcomeOfGmoErrors(entered.errors) : entered;
    }

    const executed = await this.http.post('ExecTran', [
      ['AccessID', access.AccessID],
      ['AccessPass', access.AccessPass],
      ['OrderID', orderId],
      ['Method', 1],
      ['SiteID', siteId],
      ['SitePass', sitePass],
      ['MemberID', card.memberId],
      ['SeqMode', 1],
      ['CardSeq', card.cardSeq],
    ]);
    if (executed.kind === 'answered') {
      const fields = requireFields(executed.fields, ['OrderID', 'TranID'] as const);
      if ('missing' in fields) return malformed('ExecTran', fields.missing);
      if (fields.OrderID !== orderId) return malformed('ExecTran', 'OrderID');
      return ok({
        pspReference: orderId,
        authorizationCode: executed.fields.get('Approve') ?? '',
        captured: request.capture,
        amount: yen(amount),
      });
    }
    if (executed.kind === 'refused' && hasErrInfo(executed.errors, GMO.alreadyExecuted)) {
      // Executed by an earlier try whose answer was lost: the transaction says with what result.
      const found = await this.trade(orderId);
      return found.kind === 'ok' ? settled(found.value) : notOk(found);
    }
    return executed.kind === 'refused' ? outcomeOfGmoErrors(executed.errors, orderId) : executed;
  }

  /** An executed transaction as the result of the authorize call that made it (its answer was lost). */
  private settledPayment(t: Trade): GatewayOutcome<AuthorizeResult> {
    if (!CHARGED.includes(t.status)) return refusedState(t, 'the payment was cancelled at GMO-PG');
    return ok({
      pspReference: t.orderId,
      authorizationCode: t.approve,
      captured: t.status !== 'AUTH',
      amount: yen(t.amount),
    });
  }

  /** SearchTrade by OrderID: the transaction with its AccessID/AccessPass (kept in memory for the next call only). */
  private async trade(orderId: string): Promise<GatewayOutcome<Trade>> {
    const { shopId, shopPass } = this.options.credentials;
    const searched = await this.http.post('SearchTrade', [
      ['ShopID', shopId],
      ['ShopPass', shopPass],
      ['OrderID', orderId],
    ]);
    if (searched.kind === 'refused') {
      if (hasErrInfo(searched.errors, GMO.tranNotFound)) {
        return {
          kind: 'rejected',
          code: GMO.tranNotFound,
          message: `GMO-PG has no transaction ${orderId}`,
          param: 'OrderID',
        };
      }
      return outcomeOfGmoErrors(searched.errors);
    }
    if (searched.kind !== 'answered') return searched;
    const f = requireFields(searched.fields, ['OrderID', 'Status', 'AccessID', 'AccessPass', 'Amount'] as const);
    if ('missing' in f) return malformed('SearchTrade', f.missing);
    const amount = Number(f.Amount);
    if (f.OrderID !== orderId || !/^\d{1,7}$/.test(f.Amount)) return malformed('SearchTrade', 'OrderID or Amount');
    const get = (name: string) => searched.fields.get(name) ?? '';
    return ok({
      orderId,
      status: f.Status,
      jobCd: get('JobCd'),
      amount,
      accessId: f.AccessID,
      accessPass: f.AccessPass,
      approve: get('Approve'),
      tranId: get('TranID'),
      processDate: get('ProcessDate'),
    });
  }

  /** AlterTran or ChangeTran of a looked-up transaction; answers the new TranID. */
  private async change(
    api: Extract<GmoApi, 'AlterTran' | 'ChangeTran'>,
    t: Trade,
    jobCd: string,
    amount?: number,
  ): Promise<GatewayOutcome<string>> {
    const { shopId, shopPass } = this.options.credentials;
    const fields: GmoField[] = [
      ['ShopID', shopId],
      ['ShopPass', shopPass],
      ['AccessID', t.accessId],
      ['AccessPass', t.accessPass],
      ['JobCd', jobCd],
    ];
    if (amount !== undefined) fields.push(['Amount', amount]);
    const answer: GmoExchange = await this.http.post(api, fields);
    if (answer.kind === 'refused') return outcomeOfGmoErrors(answer.errors, t.orderId);
    if (answer.kind !== 'answered') return answer;
    const f = requireFields(answer.fields, ['TranID'] as const);
    return 'missing' in f ? malformed(api, f.missing) : ok(f.TranID);
  }

  /**
   * Cancels with the JobCd its Japan-time date calls for (VOID the same day as the last processing,
   * RETURN later that month, RETURNX in a later month). Should GMO-PG's clock see another day than ours
   * (E11010003: not applicable), the other JobCds are tried; none of them can cancel twice.
   */
  private async cancel(t: Trade): Promise<GatewayOutcome<string>> {
    const today = japanDate(this.now());
    const processed = t.processDate.slice(0, 8);
    const first: Cancel =
      processed === today ? 'VOID' : processed.slice(0, 6) === today.slice(0, 6) ? 'RETURN' : 'RETURNX';
    const order: Cancel[] = [first, ...(['VOID', 'RETURN', 'RETURNX'] as const).filter((j) => j !== first)];
    let last: GatewayOutcome<string> | undefined;
    for (const jobCd of order) {
      last = await this.change('AlterTran', t, jobCd);
      if (!(last.kind === 'rejected' && last.code === GMO.jobNotApplicable)) return last;
    }
    return last as GatewayOutcome<string>;
  }
}

const yen = (minorUnits: number) => ({ minorUnits, currency: 'JPY' });

const jpyOnly = (): GatewayOutcome<never> => ({
  kind: 'rejected',
  code: 'currency_not_supported',
  message: 'GMO-PG takes JPY only',
  param: 'currency',
});

const notACardReference = (): GatewayOutcome<never> => ({
  kind: 'rejected',
  code: 'invalid_card_reference',
  message: 'the card reference is not a GMO-PG member and card sequence',
  param: 'card_token',
});

const malformed = (api: string, field: string): GatewayOutcome<never> => ({
  kind: 'unknown',
  cause: 'malformed_response',
  message: `GMO-PG ${api} answered without a valid ${field}`,
});

const unknownTrade = (orderId: string): GatewayOutcome<never> => ({
  kind: 'unknown',
  cause: 'malformed_response',
  message: `GMO-PG says OrderID ${orderId} is in use but has no transaction for it`,
});

function refusedState(t: Trade, why: string): GatewayOutcome<never> {
  return { kind: 'rejected', code: 'invalid_state', message: `${t.orderId} is ${t.status} at GMO-PG: ${why}` };
}
