import type { Member } from './members';
import type { CardMask } from './test-cards';
import type { Transaction } from './transactions';

export interface ShopAccount {
  shopId: string;
  shopPass: string;
  /** The site whose members this shop may charge; any site when absent. */
  siteId?: string;
}

export interface SiteAccount {
  siteId: string;
  sitePass: string;
}

export interface GatewaySettings {
  shops: readonly ShopAccount[];
  sites: readonly SiteAccount[];
  cardMask: CardMask;
  maxCardsPerMember: number;
}

/** Where ids come from; random in the simulator, fixed in unit tests. */
export interface GatewayIds {
  /** 32 hexadecimal characters (AccessID, AccessPass). */
  hex32(): string;
  /** `n` decimal digits (approval numbers, the tail of TranID). */
  digits(n: number): string;
}

/** Everything the simulator remembers, in memory only. */
export class GatewayState {
  readonly transactions = new Map<string, Transaction>();
  readonly accessIdByOrder = new Map<string, string>();
  readonly members = new Map<string, Member>();

  reset(): void {
    this.transactions.clear();
    this.accessIdByOrder.clear();
    this.members.clear();
  }
}

export const orderKey = (shopId: string, orderId: string) => `${shopId}\u0000${orderId}`;
export const memberKey = (siteId: string, memberId: string) => `${siteId}\u0000${memberId}`;

export interface GatewayContext {
  settings: GatewaySettings;
  state: GatewayState;
  ids: GatewayIds;
  now(): number;
}

/** GMO-PG's acquirer code ("仕向先") as the test environment shows it. */
export const FORWARD = '2a99662';
