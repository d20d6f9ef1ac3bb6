import { type Answer, GmoError, okAnswer } from './answer';
import { authenticateSite, stopOnProblems } from './auth';
import { E, G } from './codes';
import { FORWARD, type GatewayContext, memberKey } from './context';
import { japanMonth } from './japan-time';
import { cardsBySeq, findCard, liveCardCount, type Member, type StoredCard, seqOf } from './members';
import { type Params, readCard, readCardSeq, readMemberId, readSeqMode } from './params';
import { cardCompanyResult, classifyCard, expired, maskCard } from './test-cards';

function readMember(ctx: GatewayContext, p: Params) {
  const site = authenticateSite(ctx, p, true);
  const memberId = readMemberId(p);
  const name = p.text('MemberName', { max: 255, tooLong: E.memberNameTooLong });
  return { site, memberId, name };
}

function existingMember(ctx: GatewayContext, siteId: string, memberId: string): Member {
  const member = ctx.state.members.get(memberKey(siteId, memberId));
  if (!member) throw new GmoError([E.memberNotFound]);
  return member;
}

/** SaveMember: a new member of the site (E01390010 if the MemberID is taken). */
export function saveMember(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId, name } = readMember(ctx, p);
  stopOnProblems(p);
  const key = memberKey(site!.siteId, memberId!);
  if (ctx.state.members.has(key)) throw new GmoError([E.memberExists]);
  ctx.state.members.set(key, { siteId: site!.siteId, memberId: memberId!, name: name ?? '', cards: [] });
  return okAnswer({ MemberID: memberId! });
}

export function updateMember(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId, name } = readMember(ctx, p);
  stopOnProblems(p);
  existingMember(ctx, site!.siteId, memberId!).name = name ?? '';
  return okAnswer({ MemberID: memberId! });
}

export function deleteMember(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId } = readMember(ctx, p);
  stopOnProblems(p);
  existingMember(ctx, site!.siteId, memberId!);
  ctx.state.members.delete(memberKey(site!.siteId, memberId!));
  return okAnswer({ MemberID: memberId! });
}

export function searchMember(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId } = readMember(ctx, p);
  stopOnProblems(p);
  const member = existingMember(ctx, site!.siteId, memberId!);
  return okAnswer({ MemberID: member.memberId, MemberName: member.name, DeleteFlag: '0' });
}

/**
 * SaveCard: registers a card (no CardSeq) or replaces one (CardSeq), after a validity check with the card
 * company: a card that cannot be used, is expired, or fails the security code (when one is sent) is refused
 * here; balance and limit only show when a payment is made. The number is never kept.
 */
export function saveCard(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId } = readMember(ctx, p);
  const seqMode = readSeqMode(p);
  const cardSeq = readCardSeq(p, false);
  const defaultFlag = p.oneOf('DefaultFlag', ['0', '1'] as const, { invalid: E.defaultFlagFormat }) ?? '0';
  const cardName = p.text('CardName', { max: 10, tooLong: E.cardNameTooLong }) ?? '';
  if (p.has('Token')) p.fail(E.tokenNotFound);
  const card = p.has('Token') ? undefined : readCard(p);
  stopOnProblems(p);
  const member = existingMember(ctx, site!.siteId, memberId!);
  const replaced = cardSeq === undefined ? undefined : findCard(member, seqMode, cardSeq);
  if (cardSeq !== undefined && !replaced) throw new GmoError([E.cardNotFound]);
  if (!replaced && liveCardCount(member) >= ctx.settings.maxCardsPerMember) throw new GmoError([E.cardSeqMax]);

  const classified = classifyCard(card!.cardNo);
  if ('wrongNumber' in classified) throw new GmoError([classified.wrongNumber]);
  const refusal = expired(card!.expire, japanMonth(ctx.now()))
    ? G.expiry
    : cardCompanyResult(classified.outcome, 'validity', card!.securityCode !== undefined);
  if (refusal) throw new GmoError([refusal]);

  const stored: StoredCard = {
    bin: classified.bin,
    last4: classified.last4,
    length: classified.length,
    brand: classified.brand,
    outcome: classified.outcome,
    expire: card!.expire,
    holderName: card!.holderName,
    cardName,
    defaultFlag,
    deleted: false,
  };
  if (replaced) member.cards[member.cards.indexOf(replaced)] = stored;
  else member.cards.push(stored);
  return okAnswer({
    CardSeq: String(seqOf(member, seqMode, stored)),
    CardNo: maskCard(stored, ctx.settings.cardMask),
    Forward: FORWARD,
    Brand: stored.brand.toUpperCase(),
  });
}

/** SearchCard: one card (CardSeq) or all of them, each field a `|`-separated list in sequence order. */
export function searchCard(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId } = readMember(ctx, p);
  const seqMode = readSeqMode(p);
  const cardSeq = readCardSeq(p, false);
  stopOnProblems(p);
  const member = existingMember(ctx, site!.siteId, memberId!);
  const entries = cardsBySeq(member, seqMode).filter((e) => cardSeq === undefined || e.seq === cardSeq);
  if (entries.length === 0 || (cardSeq !== undefined && entries[0]!.card.deleted)) {
    throw new GmoError([E.cardNotFound]);
  }
  const column = (f: (card: StoredCard) => string) => entries.map((e) => f(e.card)).join('|');
  return okAnswer({
    CardSeq: entries.map((e) => String(e.seq)).join('|'),
    DefaultFlag: column((c) => c.defaultFlag),
    CardName: column((c) => c.cardName),
    CardNo: column((c) => maskCard(c, ctx.settings.cardMask)),
    Expire: column((c) => c.expire),
    HolderName: column((c) => c.holderName),
    DeleteFlag: column((c) => (c.deleted ? '1' : '0')),
    Brand: column((c) => c.brand.toUpperCase()),
  });
}

/** DeleteCard: the card stays in physical numbering (DeleteFlag=1), and leaves the logical one. */
export function deleteCard(ctx: GatewayContext, p: Params): Answer {
  const { site, memberId } = readMember(ctx, p);
  const seqMode = readSeqMode(p);
  const cardSeq = readCardSeq(p, true);
  stopOnProblems(p);
  const member = existingMember(ctx, site!.siteId, memberId!);
  const card = findCard(member, seqMode, cardSeq!);
  if (!card) throw new GmoError([E.cardNotFound]);
  card.deleted = true;
  return okAnswer({ CardSeq: String(cardSeq) });
}
