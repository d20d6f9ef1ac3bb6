// What an operator's console screen is told live: notification's operator stream (`GET /v1/live`, the
// stream order-link's console relays to the browser through its screen allow-list), read as the
// console reads it. A payment reaches an operator's stream when it carries `metadata.operatorId`
// (PaymentSystem.createPayment's `operatorId`), and only updates that happen while the screen is open.
//
//   const screen = await OperatorScreen.open(system.notificationUrl, secret, 'op-1');
//   await screen.waitFor('the call end', (u) => u.type === 'CallEnded' && u.paymentId === id);
//   screen.close();
import { issueOperatorToken } from '@ivr/contracts';
import { waitUntil } from './service-process';

/** One message of the stream: an event of a payment the operator follows, as the screen gets it. */
export interface ScreenUpdate {
  eventId: string;
  type: string;
  paymentId: string;
  at: string;
  data: Record<string, unknown>;
}

export class OperatorScreen {
  readonly updates: ScreenUpdate[] = [];
  private constructor(private readonly abort: AbortController) {}

  /** Opens the operator's stream (a token signed with notification's OPERATOR_TOKEN_SECRET, as order-link issues). */
  static async open(notificationUrl: string, tokenSecret: string, operatorId: string): Promise<OperatorScreen> {
    const abort = new AbortController();
    const token = issueOperatorToken(tokenSecret, operatorId, new Date(Date.now() + 3_600_000));
    const res = await fetch(`${notificationUrl}/v1/live`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`operator stream: ${res.status} ${await res.text()}`);
    const screen = new OperatorScreen(abort);
    void screen.read(res.body);
    return screen;
  }

  find(predicate: (u: ScreenUpdate) => boolean): ScreenUpdate | undefined {
    return this.updates.find(predicate);
  }

  async waitFor(what: string, predicate: (u: ScreenUpdate) => boolean, timeoutMs = 30_000): Promise<ScreenUpdate> {
    await waitUntil(`the operator's screen to show ${what}`, () => this.find(predicate) !== undefined, timeoutMs);
    return this.find(predicate) as ScreenUpdate;
  }

  close(): void {
    this.abort.abort();
  }

  /** SSE frames (`event:`/`data:` lines, a blank line between frames; `:` lines are heartbeats). */
  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, end)
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          buffer = buffer.slice(end + 2);
          if (data) this.updates.push(JSON.parse(data) as ScreenUpdate);
        }
      }
    } catch {
      // closed (or the service stopped): the updates so far stay
    }
  }
}
