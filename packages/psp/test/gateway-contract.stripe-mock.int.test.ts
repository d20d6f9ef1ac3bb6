import { type StripeMock, startStripeMock } from '@ivr/psp-simulator';
import { StripeConnector } from '../src';
import { gatewayContract } from './gateway-contract';

// The Stripe connector (provider `stripe`) against stripe-mock: Stripe's OpenAPI specification checks every
// request; the answers are canned (no state, no declines), so the suite checks acceptance only.
let mock: StripeMock;
gatewayContract(
  'Stripe connector against stripe-mock',
  async () => {
    mock = await startStripeMock();
    return {
      gateway: new StripeConnector({ provider: 'stripe', baseUrl: mock.url, apiKey: 'sk_test_123', timeoutMs: 5000 }),
      card: async () => 'pm_card_visa',
      ledger: null,
    };
  },
  () => mock.close(),
);
