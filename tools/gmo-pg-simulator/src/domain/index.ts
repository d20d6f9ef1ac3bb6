export type { Answer } from './answer';
export { E, errCodeOf, G } from './codes';
export type { GatewayIds, GatewaySettings, ShopAccount, SiteAccount } from './context';
export { Gateway, type OrderView } from './gateway';
export type { CardMask, CardOutcome } from './test-cards';
export type { LedgerEntry, LedgerSummary, Status } from './transactions';
