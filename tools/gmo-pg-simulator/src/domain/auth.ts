import { GmoError } from './answer';
import { E } from './codes';
import type { GatewayContext, ShopAccount, SiteAccount } from './context';
import { type Params, readShop, readSite } from './params';

/** The shop named by ShopID/ShopPass; a well-formed pair that matches none is E01030002. */
export function authenticateShop(ctx: GatewayContext, p: Params): ShopAccount | undefined {
  const given = readShop(p);
  if (!given) return undefined;
  const shop = ctx.settings.shops.find((s) => s.shopId === given.shopId && s.shopPass === given.shopPass);
  if (!shop) p.fail(E.shopNotFound);
  return shop;
}

/** The site named by SiteID/SitePass (E01210002 when none matches); optional unless `required`. */
export function authenticateSite(ctx: GatewayContext, p: Params, required: boolean): SiteAccount | undefined {
  const given = readSite(p, required);
  if (!given) return undefined;
  const site = ctx.settings.sites.find((s) => s.siteId === given.siteId && s.sitePass === given.sitePass);
  if (!site) p.fail(E.siteNotFound);
  return site;
}

/** Answers every problem recorded so far, if any. */
export function stopOnProblems(p: Params): void {
  if (!p.ok) throw new GmoError(p.problems);
}
