// What notification's use cases need from the outside, as interfaces: adapters/pg and
// adapters/webhooks implement them; wiring.ts hands them in.
import type { EventEnvelope } from '@ivr/contracts';

/** A webhook to deliver to every enabled endpoint of an order system. */
export interface NewDelivery {
  orderSystem: string;
  paymentId: string;
  eventId: string;
  eventType: string;
  body: string;
  now: Date;
  retryWindowMs: number;
}

/** Deliveries to make, recorded once per consumed event (the processed mark in the same transaction). */
export interface DeliveryInbox {
  /** How many deliveries were enqueued: 0 for a redelivered event or an order system without endpoints. */
  enqueueOnce(consumer: string, eventId: string, delivery: NewDelivery): Promise<number>;
}

/** The payment events notification has seen (once each). */
export interface PaymentEventLog {
  record(envelope: EventEnvelope): Promise<boolean>;
}

/** payment id → the operator who follows it (call events carry only the payment id). */
export interface Watchers {
  remember(paymentId: string, orderSystem: string, operatorId: string | null): Promise<void>;
  operatorOf(paymentId: string): Promise<string | null>;
}

export interface DueDelivery {
  deliveryId: string;
  endpointId: string;
  url: string;
  /** The signing secret, opened for this attempt; undefined when its key is not in the keyring. */
  secret: string | undefined;
  body: string;
  attempts: number;
  giveUpAt: Date;
}

export interface Attempt {
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** The persisted retry schedule of deliveries and their attempt log. */
export interface DeliveryQueue {
  /** Due deliveries, leased for `leaseMs` (the first pending one of each payment and endpoint). */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]>;
  recordAttempt(
    deliveryId: string,
    attempt: Attempt,
    outcome: { delivered: true } | { delivered: false; retryAt: Date | null },
  ): Promise<void>;
}

/** What became of one POST: the endpoint's HTTP status, or why there is none (never an address or port). */
export type SendResult = { status: number } | { failure: 'refused' | 'unreachable' | 'timeout' | 'unsigned' };

/** Sends one webhook where the destination policy allows, within the timeout. */
export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult>;
}
