import { AppError } from '../../../app/errors';

/**
 * notification's internal webhook API (bearer service token) and its operators' live stream, as the
 * console server uses them: the browser only ever talks to order-link.
 */
export class NotificationClient {
  constructor(
    private readonly baseUrl: string,
    private readonly internalToken: string,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.baseUrl}/internal/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.internalToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new AppError('unavailable', 'the notification service cannot be reached; try again shortly');
    }
    if (res.status === 204) return null;
    const json = (await res.json().catch(() => ({}))) as { detail?: string };
    if (res.status === 404) throw new AppError('not_found', json.detail ?? 'not found');
    if (res.status === 400) throw new AppError('invalid', json.detail ?? 'invalid');
    if (!res.ok) throw new AppError('unavailable', `the notification service answered ${res.status}`);
    return json;
  }

  private static system(orderSystem: string): string {
    return encodeURIComponent(orderSystem);
  }

  listEndpoints(orderSystem: string) {
    return this.call('GET', `/order-systems/${NotificationClient.system(orderSystem)}/webhook-endpoints`);
  }

  createEndpoint(orderSystem: string, url: string, description: string) {
    return this.call('POST', `/order-systems/${NotificationClient.system(orderSystem)}/webhook-endpoints`, {
      url,
      description,
    });
  }

  disableEndpoint(orderSystem: string, endpointId: string) {
    return this.call(
      'DELETE',
      `/order-systems/${NotificationClient.system(orderSystem)}/webhook-endpoints/${encodeURIComponent(endpointId)}`,
    );
  }

  deliveries(orderSystem: string, endpointId: string) {
    return this.call(
      'GET',
      `/order-systems/${NotificationClient.system(orderSystem)}/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=50`,
    );
  }

  redeliver(orderSystem: string, deliveryId: string) {
    return this.call(
      'POST',
      `/order-systems/${NotificationClient.system(orderSystem)}/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
      {},
    );
  }

  /** Opens the operator's live stream upstream; the caller reads and filters it. */
  openLive(operatorToken: string, signal: AbortSignal): Promise<globalThis.Response> {
    return fetch(`${this.baseUrl}/v1/live`, {
      headers: { authorization: `Bearer ${operatorToken}`, accept: 'text/event-stream' },
      signal,
    });
  }
}
