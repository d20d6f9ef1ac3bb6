// The two PSP simulators the property tests run against (Stripe's API and GMO-PG's), each with its test
// cards, its ledger per payment and where faults go.
import type { AuthorizeRequest } from '@ivr/contracts/authorization/v1';
import {
  DEFAULT_SHOP,
  DEFAULT_SITE,
  type LedgerSummary as GmoLedger,
  saveTestCard,
  startGmoPgSimulator,
} from '@ivr/gmo-pg-simulator';
import { gmoCardReference, gmoMemberId, gmoOrderId, type PspAccount } from '@ivr/psp';
import { type StripeLedgerSummary, startPspSimulator } from '@ivr/psp-simulator';
import { cardToken, type Harness, startHarness } from './harness';

/** What a PSP's books say of one payment. */
export interface PspBooks {
  /** Successful charges (authorizations or sales): above 1 is a double charge. */
  charges: number;
  /** Reserved now, not captured. */
  held: number;
  /** Taken and not given back. */
  settled: number;
  /** Given back after being taken. */
  refunded: number;
}

export interface Psp {
  url: string;
  account?: PspAccount;
  /** Published test cards: approved ones and ones the issuer declines at payment. */
  cards: string[];
  /** Approved cards only. */
  approvedCards: string[];
  card(number: string): Promise<AuthorizeRequest['card']>;
  books(paymentId: string): Promise<PspBooks>;
  /** Where faults go: every call that can move money. */
  faultPath: string;
  /** The fault modes the simulator has. */
  faults: readonly string[];
  close(): Promise<void>;
}

let members = 0;

export const PSPS: [string, () => Promise<Psp>][] = [
  [
    'Stripe API (PSP simulator)',
    async () => {
      const sim = await startPspSimulator({ port: 0 });
      return {
        url: sim.url,
        // The simulator provider: Stripe's API with multicapture, so captures in parts are exercised too.
        account: { id: 'default', provider: 'simulator', apiKey: 'sk_test_authorization' },
        cards: ['4242424242424242', '5555555555554444', '4000000000000002', '4000000000009995'],
        approvedCards: ['4242424242424242', '5555555555554444'],
        card: (number) => cardToken(sim, number),
        books: async (paymentId) => {
          const { byPaymentId } = (await (await fetch(`${sim.url}/_sim/ledger`)).json()) as {
            byPaymentId: Record<string, StripeLedgerSummary>;
          };
          const e = byPaymentId[paymentId];
          return { charges: e?.charges ?? 0, held: e?.held ?? 0, settled: e?.settled ?? 0, refunded: e?.refunded ?? 0 };
        },
        faultPath: '/v1/',
        faults: ['timeout', 'http500', 'http503', 'malformed', 'reset'],
        close: () => sim.close(),
      };
    },
  ],
  [
    'GMO-PG (GMO-PG simulator)',
    async () => {
      const sim = await startGmoPgSimulator({ port: 0 });
      return {
        url: sim.url,
        account: { id: 'default', provider: 'gmo-pg', ...DEFAULT_SHOP, ...DEFAULT_SITE },
        // Over the limit and insufficient funds register (SaveCard) and decline at payment (ExecTran).
        cards: ['4111111111111111', '5555555555554444', '4000000000006975', '4000000000009995'],
        approvedCards: ['4111111111111111', '5555555555554444'],
        card: async (number) => {
          members += 1;
          const saved = await saveTestCard(
            sim.url,
            DEFAULT_SITE,
            gmoMemberId(`property-${process.pid}-${members}`),
            number,
          );
          return {
            pspToken: gmoCardReference(saved.memberId, saved.cardSeq),
            brand: saved.brand,
            bin: number.slice(0, 6),
            last4: saved.last4,
            expiryMonth: 12,
            expiryYear: new Date().getUTCFullYear() + 2,
          };
        },
        books: async (paymentId) => {
          const res = await fetch(`${sim.url}/_sim/orders/${gmoOrderId(paymentId)}`);
          if (res.status === 404) return { charges: 0, held: 0, settled: 0, refunded: 0 };
          const { summary } = (await res.json()) as { summary: GmoLedger };
          return { charges: summary.charges, held: summary.held, settled: summary.settled, refunded: summary.refunded };
        },
        faultPath: '/payment/',
        faults: ['timeout', 'http500', 'http503', 'malformed', 'reset', 'truncated', 'wrongCharset'],
        close: () => sim.close(),
      };
    },
  ],
];

/** The service in-process against one simulator, with short PSP deadlines: faults cost little time. */
export function propertyHarness(psp: Psp): Promise<Harness> {
  return startHarness({
    simulator: { url: psp.url, close: async () => {} },
    pspBaseUrl: psp.url,
    ...(psp.account ? { account: psp.account } : {}),
    pspTimeoutMs: 1000,
    retries: 1,
  });
}

/** Reconciles until nothing is pending (on a loaded machine a healthy call can still time out). */
export async function settlePending(h: Harness, rounds = 8): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const { rows } = await h.pool.query(
      `select (select count(*) from "${h.schema}".pending_authorizations)
            + (select count(*) from "${h.schema}".pending_operations) as n`,
    );
    if (Number(rows[0].n) === 0) return;
    await h.authorizations.reconcilePending(0);
  }
}
