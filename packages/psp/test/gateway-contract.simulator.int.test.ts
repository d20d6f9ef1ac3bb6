import {
  createTestCardToken,
  type PspSimulator,
  type StripeLedgerSummary,
  startPspSimulator,
} from '@ivr/psp-simulator';
import { StripeConnector } from '../src';
import { gatewayContract } from './gateway-contract';
import { setFault } from './sim-helpers';

// The Stripe connector (provider `simulator`) against tools/psp-simulator, which keeps state and a ledger.
let sim: PspSimulator;
gatewayContract(
  'Stripe connector against the PSP simulator',
  async () => {
    sim = await startPspSimulator({ port: 0 });
    return {
      gateway: new StripeConnector({
        provider: 'simulator',
        baseUrl: sim.url,
        apiKey: 'sk_test_contract',
        timeoutMs: 2000,
      }),
      card: async (kind) =>
        (await createTestCardToken(sim.url, kind === 'approve' ? '4242424242424242' : '4000000000009995')).pspToken,
      ledger: async (paymentId) => {
        const { byPaymentId } = (await (await fetch(`${sim.url}/_sim/ledger`)).json()) as {
          byPaymentId: Record<string, StripeLedgerSummary>;
        };
        const entry = byPaymentId[paymentId];
        return entry
          ? { charges: entry.charges, held: entry.held, settled: entry.settled, refunded: entry.refunded }
          : { charges: 0, held: 0, settled: 0, refunded: 0 };
      },
      fault: (mode) => setFault(sim.url, { mode, count: 1, path: '/v1/payment_intents' }),
      clearFaults: async () => {
        await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
      },
    };
  },
  () => sim.close(),
);
