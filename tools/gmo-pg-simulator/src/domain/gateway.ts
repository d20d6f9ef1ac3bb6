import { type Answer, errorAnswer, GmoError } from './answer';
import { E } from './codes';
import { type GatewayContext, type GatewayIds, type GatewaySettings, GatewayState } from './context';
import { deleteCard, deleteMember, saveCard, saveMember, searchCard, searchMember, updateMember } from './member-apis';
import { Params } from './params';
import { maskCard } from './test-cards';
import { alterTran, changeTran, entryTran, execTran, searchTrade } from './transaction-apis';
import { type LedgerSummary, summarize, type Transaction } from './transactions';

type Api = (ctx: GatewayContext, p: Params) => Answer;

/** The protocol-type APIs the simulator serves, by path name (`/payment/<name>`). */
const APIS: Record<string, Api> = {
  'EntryTran.idPass': entryTran,
  'ExecTran.idPass': execTran,
  'AlterTran.idPass': alterTran,
  'ChangeTran.idPass': changeTran,
  'SearchTrade.idPass': searchTrade,
  'SaveMember.idPass': saveMember,
  'UpdateMember.idPass': updateMember,
  'DeleteMember.idPass': deleteMember,
  'SearchMember.idPass': searchMember,
  'SaveCard.idPass': saveCard,
  'SearchCard.idPass': searchCard,
  'DeleteCard.idPass': deleteCard,
};

/** What the test controls show of an order: never AccessPass, never a card number beyond the mask. */
export interface OrderView {
  shopId: string;
  orderId: string;
  accessId: string;
  status: string;
  jobCd: string;
  amount: number;
  tax: number;
  card: string;
  memberId: string;
  ledger: Transaction['ledger'];
  declines: Transaction['declines'];
  summary: LedgerSummary;
}

/**
 * GMO-PG's card API over in-memory state, with the clock and ids injected (no I/O): `call(api, params)`
 * answers what GMO-PG would; the test controls read the orders and their ledgers.
 */
export class Gateway {
  private readonly state = new GatewayState();
  private readonly ctx: GatewayContext;

  constructor(settings: GatewaySettings, ids: GatewayIds, now: () => number) {
    this.ctx = { settings, state: this.state, ids, now };
  }

  knows(api: string): boolean {
    return Object.hasOwn(APIS, api);
  }

  call(api: string, values: ReadonlyMap<string, string>): Answer {
    const handler = APIS[api];
    if (!handler) return errorAnswer(E.noSuchApi);
    try {
      return handler(this.ctx, new Params(values));
    } catch (error) {
      if (error instanceof GmoError) return errorAnswer(...error.errInfos);
      throw error;
    }
  }

  orders(shopId?: string): OrderView[] {
    return [...this.state.transactions.values()]
      .filter((tx) => shopId === undefined || tx.shopId === shopId)
      .map((tx) => this.view(tx));
  }

  /** Successful charging ExecTran calls, in total and per OrderID: a count above 1 is a double charge. */
  charges() {
    const executions = [...this.state.transactions.values()].flatMap((tx) =>
      tx.ledger
        .filter((entry) => entry.api === 'ExecTran' && entry.jobCd !== 'CHECK')
        .map((entry) => ({
          shopId: tx.shopId,
          orderId: tx.orderId,
          jobCd: entry.jobCd,
          amount: entry.amount,
          at: entry.at,
        })),
    );
    const byOrderId: Record<string, number> = {};
    for (const e of executions) byOrderId[e.orderId] = (byOrderId[e.orderId] ?? 0) + 1;
    return { total: executions.length, byOrderId, executions };
  }

  reset(): void {
    this.state.reset();
  }

  private view(tx: Transaction): OrderView {
    return {
      shopId: tx.shopId,
      orderId: tx.orderId,
      accessId: tx.accessId,
      status: tx.status,
      jobCd: tx.jobCd,
      amount: tx.amount,
      tax: tx.tax,
      card: tx.card ? maskCard(tx.card, this.ctx.settings.cardMask) : '',
      memberId: tx.memberId,
      ledger: tx.ledger,
      declines: tx.declines,
      summary: summarize(tx),
    };
  }
}
