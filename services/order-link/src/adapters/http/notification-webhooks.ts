import { AppError } from '../../app/errors';
import type { ForwardedAnswer, WebhookEndpoints } from '../../app/ports';

export interface NotificationApiOptions {
  /** notification's HTTP base URL, e.g. http://127.0.0.1:8085 */
  baseUrl: string;
  /** Shared service token of notification's internal API. */
  token: string;
  timeoutMs?: number;
}

/**
 * Webhook endpoints in notification, through its internal API: the order system's path, the
 * service token, a timeout; notification's answers become AppErrors (404 not found, 400 invalid with
 * the fields it named, anything else or no answer unavailable).
 */
export class NotificationWebhooks implements WebhookEndpoints {
  constructor(private readonly o: NotificationApiOptions) {}

  create(orderSystem: string, body: { url: string; description?: string }) {
    return this.forward(orderSystem, 'POST', '/webhook-endpoints', body);
  }

  list(orderSystem: string) {
    return this.forward(orderSystem, 'GET', '/webhook-endpoints');
  }

  disable(orderSystem: string, endpointId: string) {
    return this.forward(orderSystem, 'DELETE', `/webhook-endpoints/${encodeURIComponent(endpointId)}`);
  }

  deliveries(orderSystem: string, endpointId: string, limit: number) {
    return this.forward(
      orderSystem,
      'GET',
      `/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=${limit}`,
    );
  }

  redeliver(orderSystem: string, deliveryId: string) {
    return this.forward(orderSystem, 'POST', `/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
  }

  private async forward(orderSystem: string, method: string, path: string, body?: object): Promise<ForwardedAnswer> {
    const url = `${this.o.baseUrl}/internal/v1/order-systems/${encodeURIComponent(orderSystem)}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.o.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
    } catch {
      throw new AppError('unavailable', 'the webhook service is not reachable; try again');
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (res.status === 404) throw new AppError('not_found', 'no such webhook endpoint or delivery');
    if (res.status === 400) {
      const p = parsed as { detail?: string; errors?: { field: string; message: string }[] };
      throw new AppError(
        'invalid',
        p.detail ?? 'invalid request',
        (p.errors ?? []).map((e) => ({ in: 'body' as const, field: e.field, message: e.message })),
      );
    }
    if (res.status >= 300) throw new AppError('unavailable', `the webhook service answered ${res.status}`);
    return { status: res.status, body: parsed };
  }
}
