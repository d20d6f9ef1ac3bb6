import {
  DEFAULT_SHOP,
  DEFAULT_SITE,
  type GmoPgSimulator,
  type LedgerSummary,
  saveTestCard,
  startGmoPgSimulator,
} from '@ivr/gmo-pg-simulator';
import { GmoPgGateway, gmoCardReference, gmoMemberId, gmoOrderId } from '../src';
import { gatewayContract } from './gateway-contract';
import { setFault } from './sim-helpers';

// The GMO-PG connector against tools/gmo-pg-simulator, whose ledger per OrderID is GMO-PG's view.
let sim: GmoPgSimulator;
let members = 0;
gatewayContract(
  'GMO-PG connector against the GMO-PG simulator',
  async () => {
    sim = await startGmoPgSimulator({ port: 0 });
    return {
      gateway: new GmoPgGateway({
        baseUrl: sim.url,
        credentials: { provider: 'gmo-pg', ...DEFAULT_SHOP, shopPass: DEFAULT_SHOP.shopPass, ...DEFAULT_SITE },
        timeoutMs: 2000,
      }),
      card: async (kind) => {
        members += 1;
        const number = kind === 'approve' ? '4111111111111111' : '4000000000009995';
        const saved = await saveTestCard(
          sim.url,
          DEFAULT_SITE,
          gmoMemberId(`contract-${process.pid}-${members}`),
          number,
        );
        return gmoCardReference(saved.memberId, saved.cardSeq);
      },
      ledger: async (paymentId) => {
        const res = await fetch(`${sim.url}/_sim/orders/${gmoOrderId(paymentId)}`);
        if (res.status === 404) return { charges: 0, held: 0, settled: 0, refunded: 0 };
        const { summary } = (await res.json()) as { summary: LedgerSummary };
        return { charges: summary.charges, held: summary.held, settled: summary.settled, refunded: summary.refunded };
      },
      fault: (mode) => setFault(sim.url, { mode, count: 1, path: '/payment/ExecTran' }),
      clearFaults: async () => {
        await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
      },
    };
  },
  () => sim.close(),
);
