// What the chaos run checks once the faults are over and everything runs again, each from the
// source of truth for it: order-link's read model (every payment terminal), the topic
// ivr.payment-completed.v1 (one completion per payment, by event id), the webhook receiver (one
// outcome per payment, signed), the PSP simulator's charge counts (never twice, only when approved)
// and each service's outbox (drained).

import { isPaymentOutcome } from '@ivr/contracts';
import type { PaymentSystem } from '@ivr/testkit/payment-system';
import type { Receiver } from '@ivr/testkit/webhook-receiver';
import { Pool } from 'pg';
import { verifyIvrSignature } from '../../examples/verify-webhook-signature';
import { CompletionReader, type TopicOffsets } from './completions';
import type { TrackedPayment } from './workload';

const OUTBOXES: Array<{ urlVar: string; schema: string }> = [
  { urlVar: 'ORDERLINK_DATABASE_URL', schema: 'orderlink' },
  { urlVar: 'CALLCONTROL_DATABASE_URL', schema: 'callcontrol' },
  { urlVar: 'AUTHORIZATION_DATABASE_URL', schema: 'authorization' },
];
/** An outbox row younger than this may be on its way; an older one is left behind. */
const OUTBOX_GRACE_S = 10;

export interface Verdict {
  /** Payment id → status in order-link's read model. */
  statuses: Map<string, string>;
  /** Not terminal when the bound ran out. */
  stuck: string[];
  /** Accepted by the API, but unknown to order-link or never completed on the topic. */
  lost: string[];
  /** Payments with more than one distinct PaymentCompleted event id. */
  completedTwice: string[];
  /** Redeliveries of the same PaymentCompleted event (at-least-once; consumers dedupe by id). */
  completedRedelivered: number;
  /** Terminal payments whose webhook never arrived, and webhooks whose signature failed. */
  webhooksMissing: string[];
  webhooksBadSignature: number;
  webhooksRedelivered: number;
  /** PSP idempotency keys charged more than once, and payments charged more than once. */
  doubleCharges: string[];
  /** Charged though not APPROVED, or APPROVED (captured) with no charge. */
  chargeMismatches: string[];
  /** Unpublished outbox rows older than the grace, per schema. */
  outboxPending: Map<string, number>;
  /** Seconds from the end of the faults until every payment was terminal (or the bound). */
  settleSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function judge(
  system: PaymentSystem,
  receiver: Receiver,
  webhookSecret: string,
  payments: TrackedPayment[],
  boundMs: number,
  completionsFrom: TopicOffsets,
): Promise<Verdict> {
  const ids = payments.map((p) => p.paymentId);
  const ours = new Set(ids);
  const t0 = Date.now();
  const deadline = t0 + boundMs;
  const pool = new Pool({ connectionString: process.env.ORDERLINK_DATABASE_URL });
  const completions = await CompletionReader.start(system.kafka, completionsFrom, `chaos-verdict-${system.run}`);
  try {
    let statuses = await readStatuses(pool, ids);
    const done = () =>
      ids.every((id) => isPaymentOutcome(statuses.get(id))) &&
      ids.every((id) => completions.of(id).size > 0) &&
      ids.every((id) => webhooksOf(receiver, id).size > 0);
    while (!done() && Date.now() < deadline) {
      await sleep(1000);
      statuses = await readStatuses(pool, ids);
    }
    const settleSeconds = (Date.now() - t0) / 1000;
    const webhooks = receiver.received.map((r) => ({
      ...r,
      event: JSON.parse(r.body) as { id: string; data: { paymentId: string } },
    }));
    const charges = await chargeCounts(system);
    return {
      statuses,
      stuck: ids.filter((id) => !isPaymentOutcome(statuses.get(id))),
      lost: ids.filter(
        (id) => !statuses.has(id) || (isPaymentOutcome(statuses.get(id)) && completions.of(id).size === 0),
      ),
      completedTwice: ids.filter((id) => completions.of(id).size > 1),
      completedRedelivered: completions.recordsOf(ours) - ids.reduce((n, id) => n + completions.of(id).size, 0),
      webhooksMissing: ids.filter((id) => isPaymentOutcome(statuses.get(id)) && webhooksOf(receiver, id).size === 0),
      webhooksBadSignature: webhooks.filter((w) => !verifyIvrSignature(w.body, w.signature, webhookSecret, 3600))
        .length,
      webhooksRedelivered: webhooks.length - new Set(webhooks.map((w) => w.event.id)).size,
      doubleCharges: [
        ...Object.entries(charges.byIdempotencyKey)
          .filter(([, n]) => n > 1)
          .map(([key]) => `key ${key}`),
        ...ids.filter((id) => (charges.byPaymentId[id] ?? 0) > 1).map((id) => `payment ${id}`),
      ],
      chargeMismatches: ids.filter((id) => (charges.byPaymentId[id] ?? 0) > 0 !== (statuses.get(id) === 'APPROVED')),
      outboxPending: await pendingOutboxRows(),
      settleSeconds,
    };
  } finally {
    await completions.stop();
    await pool.end();
  }
}

async function readStatuses(pool: Pool, ids: string[]): Promise<Map<string, string>> {
  try {
    const { rows } = await pool.query<{ payment_id: string; status: string }>(
      'select payment_id, status from orderlink.payments where payment_id = any($1)',
      [ids],
    );
    return new Map(rows.map((r) => [r.payment_id, r.status]));
  } catch {
    return new Map(); // PostgreSQL just restarted: the next round reads again
  }
}

/** Distinct event ids of the webhooks received for a payment. */
function webhooksOf(receiver: Receiver, paymentId: string): Set<string> {
  const ids = new Set<string>();
  for (const r of receiver.received) {
    const event = JSON.parse(r.body) as { id: string; data?: { paymentId?: string } };
    if (event.data?.paymentId === paymentId) ids.add(event.id);
  }
  return ids;
}

async function chargeCounts(
  system: PaymentSystem,
): Promise<{ byIdempotencyKey: Record<string, number>; byPaymentId: Record<string, number> }> {
  const res = await fetch(`${system.psp.url}/_sim/charges`);
  return (await res.json()) as { byIdempotencyKey: Record<string, number>; byPaymentId: Record<string, number> };
}

async function pendingOutboxRows(): Promise<Map<string, number>> {
  const pending = new Map<string, number>();
  for (const { urlVar, schema } of OUTBOXES) {
    const pool = new Pool({ connectionString: process.env[urlVar] });
    try {
      const { rows } = await pool.query<{ n: string }>(
        `select count(*) as n from "${schema}".outbox
          where published_at is null and created_at < now() - make_interval(secs => $1)`,
        [OUTBOX_GRACE_S],
      );
      pending.set(schema, Number(rows[0]?.n ?? 0));
    } finally {
      await pool.end();
    }
  }
  return pending;
}
