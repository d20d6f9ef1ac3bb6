import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventEnvelope, PaymentCompletedPayload } from '@ivr/contracts';

/** A PaymentCompleted envelope of `orderSystem`, as the delivery consumer reads it. */
export const completed = (orderSystem: string, paymentId: string, outcome = 'APPROVED'): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type: 'PaymentCompleted',
  aggregateType: 'Payment',
  aggregateId: paymentId,
  version: 4,
  occurredAt: new Date().toISOString(),
  payload: {
    paymentId,
    orderId: `order-${paymentId}`,
    orderSystem,
    outcome,
    mode: 'CAPTURE',
    language: 'en',
    amount: 1200,
    currency: 'JPY',
    metadata: {},
    requestedAt: new Date().toISOString(),
    completedAt: new Date().toISOString(),
  } as PaymentCompletedPayload,
});

export type Answer = number | 'hang' | { status: number; headers: Record<string, string> };

/** A real HTTP webhook receiver; `behave` decides each answer (a status, headers too, or 'hang' to never answer). */
export class Receiver {
  readonly received: { body: string; signature: string | undefined }[] = [];
  private server!: Server;
  url = '';
  constructor(private readonly behave: (n: number) => Answer) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const n = this.received.push({ body, signature: req.headers['ivr-signature'] as string | undefined });
        const answer = this.behave(n);
        if (answer === 'hang') return; // never answers: the sender must time out
        if (typeof answer === 'number') res.writeHead(answer).end();
        else res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  ids(): string[] {
    return this.received.map((x) => (JSON.parse(x.body) as { id: string }).id);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
