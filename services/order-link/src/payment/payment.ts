import type { Decider } from '@ivr/eventstore';

/**
 * The Payment aggregate (walking-skeleton subset: a payment can be requested). Pure: ids and the
 * clock come in the command.
 */
export type PaymentCommand = {
  type: 'RequestPayment';
  data: { paymentId: string; orderId: string; amount: number; currency: string; requestedAt: string };
};

export type PaymentEvent = {
  type: 'PaymentRequested';
  data: { paymentId: string; orderId: string; amount: number; currency: string; requestedAt: string };
};

export type PaymentState =
  | { status: 'none' }
  | { status: 'requested'; paymentId: string; orderId: string; amount: number; currency: string };

export class PaymentRejected extends Error {
  override readonly name = 'PaymentRejected';
}

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'RequestPayment':
        if (state.status !== 'none') throw new PaymentRejected(`payment ${command.data.paymentId} already exists`);
        return [{ type: 'PaymentRequested', data: command.data }];
    }
  },
  evolve(_state, event) {
    switch (event.type) {
      case 'PaymentRequested':
        return { status: 'requested', ...event.data };
    }
  },
};
