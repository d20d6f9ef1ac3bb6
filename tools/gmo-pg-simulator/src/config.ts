import { int, list, oneOf, readConfig, str } from '@ivr/config';
import type { ShopAccount, SiteAccount } from './domain';
import { DEFAULT_SHOP, DEFAULT_SITE } from './index';

/** The variables the simulator reads (dev.env sets the development ones). */
export function configSpec() {
  return {
    port: int('PORT', { default: 12114, min: 0, max: 65535 }),
    host: str('HOST', { default: '127.0.0.1' }),
    charset: oneOf('GMO_SIM_CHARSET', ['Shift_JIS', 'UTF-8'] as const, { default: 'Shift_JIS' }),
    // shopId:shopPass[:siteId], comma-separated (a merchant per shop).
    shops: list('GMO_SIM_SHOPS', {
      default: [`${DEFAULT_SHOP.shopId}:${DEFAULT_SHOP.shopPass}:${DEFAULT_SHOP.siteId}`],
      secret: true,
    }),
    // siteId:sitePass, comma-separated.
    sites: list('GMO_SIM_SITES', { default: [`${DEFAULT_SITE.siteId}:${DEFAULT_SITE.sitePass}`], secret: true }),
    cardMask: oneOf('GMO_SIM_CARD_MASK', ['last4', 'first6last4'] as const, { default: 'last4' }),
    maxCardsPerMember: int('GMO_SIM_MAX_CARDS', { default: 5, min: 1, max: 99 }),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = readConfig(configSpec(), env);
  return { ...raw, shops: raw.shops.map(parseShop), sites: raw.sites.map(parseSite) };
}

function parseShop(entry: string, index: number): ShopAccount {
  const [shopId, shopPass, siteId, extra] = entry.split(':');
  if (!shopId || !shopPass || extra !== undefined) {
    throw new Error(`GMO_SIM_SHOPS entry ${index + 1} must be shopId:shopPass[:siteId]`);
  }
  return siteId ? { shopId, shopPass, siteId } : { shopId, shopPass };
}

function parseSite(entry: string, index: number): SiteAccount {
  const [siteId, sitePass, extra] = entry.split(':');
  if (!siteId || !sitePass || extra !== undefined)
    throw new Error(`GMO_SIM_SITES entry ${index + 1} must be siteId:sitePass`);
  return { siteId, sitePass };
}

export type Config = ReturnType<typeof loadConfig>;
