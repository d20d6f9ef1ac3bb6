/**
 * notification's live stream of an operator's payments, as the console server opens it: the browser
 * only ever talks to order-link. (Webhook administration goes through WebhooksApp and adapters/http/notification-webhooks.)
 */
export class NotificationClient {
  constructor(private readonly baseUrl: string) {}

  /** Opens the operator's live stream upstream; the caller reads and filters it. */
  openLive(operatorToken: string, signal: AbortSignal): Promise<globalThis.Response> {
    return fetch(`${this.baseUrl}/v1/live`, {
      headers: { authorization: `Bearer ${operatorToken}`, accept: 'text/event-stream' },
      signal,
    });
  }
}
