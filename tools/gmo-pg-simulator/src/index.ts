import { randomBytes, randomInt } from 'node:crypto';
import { type ServedSimulator, type SimulatorTls, serveSimulator } from '@ivr/psp-simulator';
import { createSimulatorApp } from './adapters/http/app';
import { createFaults } from './adapters/http/faults';
import type { Charset } from './adapters/http/form-codec';
import { SimClock, type SimulatorRuntime } from './adapters/http/simulator';
import { type CardMask, Gateway, type GatewayIds, type ShopAccount, type SiteAccount } from './domain';

export type { GmoFaultMode } from './adapters/http/faults';
export { type Charset, decodeAnswer, encodeForm } from './adapters/http/form-codec';
export type {
  CardMask,
  CardOutcome,
  LedgerEntry,
  LedgerSummary,
  OrderView,
  ShopAccount,
  SiteAccount,
  Status,
} from './domain';
export { E as GMO_ERRORS, errCodeOf, G as GMO_CARD_RESULTS } from './domain';
export { type SavedTestCard, saveTestCard } from './test-client';

/** The shop and site the simulator knows unless told otherwise (test-environment-like ids). */
export const DEFAULT_SHOP: ShopAccount = { shopId: 'tshop00000001', shopPass: 'shoppass01', siteId: 'tsite00000001' };
export const DEFAULT_SITE: SiteAccount = { siteId: 'tsite00000001', sitePass: 'sitepass01' };

export interface GmoPgSimulatorOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** The answers' charset (GMO-PG's default is Shift_JIS). */
  charset?: Charset;
  shops?: ShopAccount[];
  sites?: SiteAccount[];
  cardMask?: CardMask;
  maxCardsPerMember?: number;
  /** Where request log lines go; silent when absent. */
  log?: (line: Record<string, unknown>) => void;
  /** Answer over HTTPS with this certificate, as GMO-PG does (tests of what a TLS client keeps in memory). */
  tls?: SimulatorTls;
}

/** `url` (the API is under /payment, the test controls under /_sim), `port`, `close()`. */
export type GmoPgSimulator = ServedSimulator;

const randomIds: GatewayIds = {
  hex32: () => randomBytes(16).toString('hex'),
  digits: (n) => Array.from({ length: n }, () => String(randomInt(10))).join(''),
};

/** Starts the simulator in this process; for tests of other components (`startGmoPgSimulator({ port: 0 })`). */
export async function startGmoPgSimulator(options: GmoPgSimulatorOptions = {}): Promise<GmoPgSimulator> {
  const clock = new SimClock();
  const settings = {
    shops: options.shops ?? [DEFAULT_SHOP],
    sites: options.sites ?? [DEFAULT_SITE],
    cardMask: options.cardMask ?? 'last4',
    maxCardsPerMember: options.maxCardsPerMember ?? 5,
  };
  const charset = options.charset ?? 'Shift_JIS';
  const runtime: SimulatorRuntime = {
    gateway: new Gateway(settings, randomIds, clock.now),
    settings,
    charset,
    initial: { charset, cardMask: settings.cardMask },
    faults: createFaults(),
    clock,
    log: options.log ?? (() => {}),
  };
  return serveSimulator(createSimulatorApp(runtime), options.port ?? 0, options.host ?? '127.0.0.1', options.tls);
}
