import type { CardBrand } from '@ivr/psp-simulator';
import type { SeqMode } from './params';
import type { CardOutcome } from './test-cards';

/** A registered card: what GMO-PG shows of it, and the outcome class of its test number. Never the number. */
export interface StoredCard {
  bin: string;
  last4: string;
  length: number;
  brand: CardBrand;
  expire: string;
  holderName: string;
  cardName: string;
  defaultFlag: '0' | '1';
  outcome: CardOutcome;
  deleted: boolean;
}

export interface Member {
  siteId: string;
  memberId: string;
  name: string;
  cards: StoredCard[];
}

/**
 * The member's cards by sequence number. Physical mode (SeqMode=1): the number a card was saved under,
 * deleted cards included; logical mode (SeqMode=0): the live cards numbered 0..n-1 in saving order.
 */
export function cardsBySeq(member: Member, seqMode: SeqMode): { seq: number; card: StoredCard }[] {
  if (seqMode === '1') return member.cards.map((card, seq) => ({ seq, card }));
  return member.cards.filter((card) => !card.deleted).map((card, seq) => ({ seq, card }));
}

/** A live card by its sequence number in that mode. */
export function findCard(member: Member, seqMode: SeqMode, seq: number): StoredCard | undefined {
  const found = cardsBySeq(member, seqMode).find((entry) => entry.seq === seq)?.card;
  return found && !found.deleted ? found : undefined;
}

export function liveCardCount(member: Member): number {
  return member.cards.filter((card) => !card.deleted).length;
}

/** The sequence number a card has in that mode (physical: its index; logical: among live cards). */
export function seqOf(member: Member, seqMode: SeqMode, card: StoredCard): number {
  return cardsBySeq(member, seqMode).find((entry) => entry.card === card)?.seq ?? -1;
}
