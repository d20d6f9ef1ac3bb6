import { createHash } from 'node:crypto';
import { type Answer, GmoError, okAnswer } from './answer';
import { authenticateShop, authenticateSite, stopOnProblems } from './auth';
import { E, G } from './codes';
import { FORWARD, type GatewayContext, memberKey, orderKey } from './context';
import { japanMonth, japanTimestamp } from './japan-time';
import { findCard } from './members';
import {
  type Params,
  readAccess,
  readAmount,
  readCard,
  readCardSeq,
  readClientFields,
  readJobCd,
  readMemberId,
  readMethod,
  readOrderId,
  readSecurityCode,
  readSeqMode,
} from './params';
import { cardCompanyResult, classifyCard, expired, maskCard } from './test-cards';
import { alterRule, type CardOnTransaction, changeRule, money, type Status, type Transaction } from './transactions';

/** EntryTran: opens a transaction for a new OrderID (unique per shop) and issues AccessID/AccessPass. */
export function entryTran(ctx: GatewayContext, p: Params): Answer {
  const shop = authenticateShop(ctx, p);
  const orderId = readOrderId(p);
  const jobCd = readJobCd(p, ['CHECK', 'CAPTURE', 'AUTH', 'SAUTH'] as const);
  const amounts = readAmount(p, jobCd !== undefined && jobCd !== 'CHECK');
  const itemCode = p.text('ItemCode', { max: 7, pattern: /^\d{7}$/, format: E.parameterCombination });
  if (shop && orderId && ctx.state.accessIdByOrder.has(orderKey(shop.shopId, orderId))) p.fail(E.orderIdUsed);
  stopOnProblems(p);
  const now = ctx.now();
  const tx: Transaction = {
    shopId: shop!.shopId,
    orderId: orderId!,
    accessId: ctx.ids.hex32(),
    accessPass: ctx.ids.hex32(),
    entryJobCd: jobCd!,
    itemCode: itemCode ?? '0000990',
    status: 'UNPROCESSED',
    jobCd: jobCd!,
    amount: jobCd === 'CHECK' ? 0 : (amounts?.amount ?? 0),
    tax: jobCd === 'CHECK' ? 0 : (amounts?.tax ?? 0),
    method: '',
    payTimes: '',
    card: null,
    siteId: '',
    memberId: '',
    forward: '',
    approve: '',
    tranId: '',
    tranDate: '',
    clientFields: ['', '', ''],
    enteredAt: now,
    executedAt: null,
    processedAt: now,
    ledger: [],
    declines: [],
  };
  ctx.state.transactions.set(tx.accessId, tx);
  ctx.state.accessIdByOrder.set(orderKey(tx.shopId, tx.orderId), tx.accessId);
  return okAnswer({ AccessID: tx.accessId, AccessPass: tx.accessPass });
}

/** The transaction of AccessID/AccessPass (and of this shop, when one is given), or E01110002. */
function findTransaction(
  ctx: GatewayContext,
  p: Params,
  access: { accessId: string; accessPass: string } | undefined,
  shopId?: string,
): Transaction | undefined {
  if (!access) return undefined;
  const tx = ctx.state.transactions.get(access.accessId);
  if (!tx || tx.accessPass !== access.accessPass || (shopId !== undefined && tx.shopId !== shopId)) {
    p.fail(E.tranNotFound);
    return undefined;
  }
  return tx;
}

/** ExecTran: charges (or checks) the card given, or a member's registered card, once per transaction. */
export function execTran(ctx: GatewayContext, p: Params): Answer {
  const tx = findTransaction(ctx, p, readAccess(p));
  const orderId = readOrderId(p);
  if (tx && orderId && orderId !== tx.orderId) p.fail(E.tranNotFound);
  const { method, payTimes } = readMethod(p, tx !== undefined && tx.entryJobCd !== 'CHECK');
  const clientFields = readClientFields(p);
  const returnClientFields = p.oneOf('ClientFieldFlag', ['0', '1'] as const, { invalid: E.clientFieldFlagFormat });
  const byMember = p.has('MemberID');
  // Tokens come from GMO-PG's JavaScript tokenizer, which the simulator does not have.
  const byToken = p.has('Token');
  if (byToken) p.fail(E.tokenNotFound);
  if (byMember && (p.has('CardNo') || byToken)) p.fail(E.parameterCombination);
  const member = byMember ? readMemberCard(ctx, p) : undefined;
  const card = byMember || byToken ? undefined : readCard(p);
  stopOnProblems(p);
  if (!tx) throw new GmoError([E.tranNotFound]);
  if (tx.status !== 'UNPROCESSED' && tx.status !== 'AUTHENTICATED') throw new GmoError([E.alreadyExecuted]);

  const now = ctx.now();
  const declined = (errInfo: string) => {
    tx.declines.push({ at: new Date(now).toISOString(), errInfo });
    return new GmoError([errInfo]);
  };
  const paid = member ? registeredCard(ctx, member, tx) : cardGiven(card!, declined);
  const check = tx.entryJobCd === 'CHECK' ? 'validity' : 'payment';
  const refusal = expired(paid.card.expire, japanMonth(now))
    ? G.expiry
    : cardCompanyResult(paid.card.outcome, check, paid.securityCodeGiven);
  if (refusal) throw declined(refusal);

  const status: Status = tx.entryJobCd;
  const shopPass = ctx.settings.shops.find((s) => s.shopId === tx.shopId)?.shopPass ?? '';
  Object.assign(tx, {
    status,
    jobCd: status,
    method: check === 'validity' ? '' : method,
    payTimes,
    card: paid.card,
    siteId: paid.siteId,
    memberId: paid.memberId,
    forward: FORWARD,
    clientFields,
    executedAt: now,
  });
  record(ctx, tx, 'ExecTran', status, now);
  const answer: Record<string, string> = {
    ACS: '0',
    OrderID: tx.orderId,
    Forward: tx.forward,
    Method: tx.method,
    PayTimes: tx.payTimes,
    Approve: tx.approve,
    TranID: tx.tranId,
    TranDate: tx.tranDate,
    CheckString: createHash('md5')
      .update(`${tx.orderId}${tx.forward}${tx.method}${tx.payTimes}${tx.approve}${tx.tranId}${tx.tranDate}${shopPass}`)
      .digest('hex'),
  };
  if (returnClientFields === '1') {
    [answer.ClientField1, answer.ClientField2, answer.ClientField3] = clientFields;
  }
  return okAnswer(answer);
}

interface PaidWith {
  card: CardOnTransaction;
  securityCodeGiven: boolean;
  siteId: string;
  memberId: string;
}

function cardGiven(card: NonNullable<ReturnType<typeof readCard>>, declined: (errInfo: string) => GmoError): PaidWith {
  const classified = classifyCard(card.cardNo);
  if ('wrongNumber' in classified) throw declined(classified.wrongNumber);
  const { brand, bin, last4, length, outcome } = classified;
  return {
    card: { brand, bin, last4, length, outcome, expire: card.expire },
    securityCodeGiven: card.securityCode !== undefined,
    siteId: '',
    memberId: '',
  };
}

/** The site, member and card sequence of an ExecTran by member (read and checked, not yet looked up). */
function readMemberCard(ctx: GatewayContext, p: Params) {
  const site = authenticateSite(ctx, p, true);
  const memberId = readMemberId(p);
  const seqMode = readSeqMode(p);
  const cardSeq = readCardSeq(p, true);
  const securityCode = readSecurityCode(p);
  return { site, memberId, seqMode, cardSeq, securityCodeGiven: securityCode !== undefined };
}

function registeredCard(ctx: GatewayContext, given: ReturnType<typeof readMemberCard>, tx: Transaction): PaidWith {
  const siteId = given.site!.siteId;
  const shop = ctx.settings.shops.find((s) => s.shopId === tx.shopId);
  if (shop?.siteId !== undefined && shop.siteId !== siteId) throw new GmoError([E.shopNotInSite]);
  const member = ctx.state.members.get(memberKey(siteId, given.memberId!));
  if (!member) throw new GmoError([E.memberNotFound]);
  const stored = findCard(member, given.seqMode, given.cardSeq!);
  if (!stored) throw new GmoError([E.cardNotFound]);
  const { brand, bin, last4, length, outcome, expire } = stored;
  return {
    card: { brand, bin, last4, length, outcome, expire },
    securityCodeGiven: given.securityCodeGiven,
    siteId,
    memberId: member.memberId,
  };
}

/** New approval and transaction numbers, and a ledger line with the money after the operation. */
function record(
  ctx: GatewayContext,
  tx: Transaction,
  api: 'ExecTran' | 'AlterTran' | 'ChangeTran',
  jobCd: string,
  now: number,
) {
  tx.tranDate = japanTimestamp(now);
  tx.tranId = `${tx.tranDate.slice(2, 12)}${ctx.ids.digits(18)}`;
  if (api !== 'AlterTran' || tx.approve === '') tx.approve = ctx.ids.digits(7);
  tx.processedAt = now;
  tx.ledger.push({
    at: new Date(now).toISOString(),
    api,
    jobCd,
    amount: tx.amount,
    status: tx.status,
    tranId: tx.tranId,
    ...money(tx.status, tx.amount),
  });
}

const changedAnswer = (tx: Transaction) =>
  okAnswer({
    AccessID: tx.accessId,
    AccessPass: tx.accessPass,
    Forward: tx.forward,
    Approve: tx.approve,
    TranID: tx.tranId,
    TranDate: tx.tranDate,
  });

/** AlterTran: SALES (capture an AUTH for its whole amount), VOID, RETURN, RETURNX. */
export function alterTran(ctx: GatewayContext, p: Params): Answer {
  const shop = authenticateShop(ctx, p);
  const access = readAccess(p);
  const tx = shop ? findTransaction(ctx, p, access, shop.shopId) : undefined;
  const jobCd = readJobCd(p, ['SALES', 'VOID', 'RETURN', 'RETURNX'] as const);
  // Recorded: with no such transaction GMO-PG stops before looking at Amount.
  if (!tx) stopOnProblems(p);
  const amount = readAmount(p, jobCd === 'SALES');
  readMethod(p, false);
  stopOnProblems(p);
  const now = ctx.now();
  const rule = alterRule(tx!, jobCd!, amount?.amount, now);
  if ('errInfo' in rule) throw new GmoError([rule.errInfo]);
  tx!.status = rule.status;
  tx!.jobCd = jobCd!;
  record(ctx, tx!, 'AlterTran', jobCd!, now);
  return changedAnswer(tx!);
}

/** ChangeTran: a new authorization for a new amount (partial capture first, partial refund after). */
export function changeTran(ctx: GatewayContext, p: Params): Answer {
  const shop = authenticateShop(ctx, p);
  const access = readAccess(p);
  const tx = shop ? findTransaction(ctx, p, access, shop.shopId) : undefined;
  const jobCd = readJobCd(p, ['CAPTURE', 'AUTH', 'SAUTH', 'SALES'] as const);
  if (!tx) stopOnProblems(p);
  const amount = readAmount(p, true);
  stopOnProblems(p);
  const now = ctx.now();
  const rule = changeRule(tx!, jobCd!, amount!.amount, now);
  if ('errInfo' in rule) throw new GmoError([rule.errInfo]);
  if (tx!.card) {
    const refusal = cardCompanyResult(tx!.card.outcome, 'payment', false);
    if (refusal) throw new GmoError([refusal]);
  }
  tx!.status = rule.status;
  tx!.jobCd = jobCd!;
  tx!.amount = rule.amount;
  tx!.tax = amount!.tax;
  tx!.approve = '';
  record(ctx, tx!, 'ChangeTran', jobCd!, now);
  return changedAnswer(tx!);
}

/** SearchTrade: the transaction of an OrderID as it stands, with the card masked. */
export function searchTrade(ctx: GatewayContext, p: Params): Answer {
  const shop = authenticateShop(ctx, p);
  const orderId = readOrderId(p);
  stopOnProblems(p);
  const accessId = ctx.state.accessIdByOrder.get(orderKey(shop!.shopId, orderId!));
  const tx = accessId ? ctx.state.transactions.get(accessId) : undefined;
  if (!tx) throw new GmoError([E.tranNotFound]);
  const executed = tx.executedAt !== null;
  return okAnswer({
    OrderID: tx.orderId,
    Status: tx.status,
    ProcessDate: japanTimestamp(tx.processedAt),
    JobCd: tx.jobCd,
    AccessID: tx.accessId,
    AccessPass: tx.accessPass,
    ItemCode: tx.itemCode,
    Amount: String(tx.amount),
    Tax: String(tx.tax),
    SiteID: tx.siteId,
    MemberID: tx.memberId,
    CardNo: tx.card ? maskCard(tx.card, ctx.settings.cardMask) : '',
    Expire: tx.card?.expire ?? '',
    Method: executed ? tx.method : '',
    PayTimes: tx.payTimes,
    Forward: tx.forward,
    TranID: tx.tranId,
    Approve: tx.approve,
    ClientField1: tx.clientFields[0],
    ClientField2: tx.clientFields[1],
    ClientField3: tx.clientFields[2],
  });
}
