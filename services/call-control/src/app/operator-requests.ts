// The operator's requests from the console (agent-assisted calls): order-link records them on the
// Payment and publishes them on ivr.payments.v1; every call-control instance reads them all
// (adapters/kafka/operator-requests.ts) and this inbox hands each to the dialogue of the payment, if
// this instance runs it. Each request is delivered once, however often Kafka redelivers it.
import type { OperatorRequest, OperatorRequests } from '../dialogue';

export class OperatorRequestInbox implements OperatorRequests {
  private readonly dialogues = new Map<string, (request: OperatorRequest) => void>();
  private readonly seen = new Set<string>();

  constructor(private readonly remember = 10_000) {}

  subscribe(paymentId: string, onRequest: (request: OperatorRequest) => void): () => void {
    this.dialogues.set(paymentId, onRequest);
    return () => {
      if (this.dialogues.get(paymentId) === onRequest) this.dialogues.delete(paymentId);
    };
  }

  /** A request for a payment: true when a dialogue here took it. */
  deliver(paymentId: string, request: OperatorRequest): boolean {
    const dialogue = this.dialogues.get(paymentId);
    if (!dialogue || this.seen.has(request.eventId)) return false;
    this.seen.add(request.eventId);
    if (this.seen.size > this.remember) this.seen.delete(this.seen.values().next().value as string);
    dialogue(request);
    return true;
  }
}
