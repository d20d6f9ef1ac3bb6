import type { Decider } from '@ivr/eventstore';
import type { PaymentCommand } from './commands';
import { decide } from './decide';
import type { PaymentEvent } from './events';
import { evolve } from './evolve';
import type { PaymentState } from './state';

/** The Payment as @ivr/eventstore's handleCommand expects it. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  initialState: () => null,
  decide,
  evolve,
};
