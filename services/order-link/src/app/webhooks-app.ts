import { AppError } from './errors';
import { type Principal, Scopes } from './ports';

export interface NotificationApiOptions {
  /** notification's HTTP base URL, e.g. http://127.0.0.1:8085 */
  baseUrl: string;
  /** Shared service token of notification's internal API. */
  token: string;
  timeoutMs?: number;
}

/**
 * Webhook endpoints are owned by notification (it signs and delivers); order systems manage them
 * through this API so that they use one base URL and one API key. Calls are forwarded to
 * notification's internal API with the caller's order system resolved here.
 */
export class WebhooksApp {
  constructor(private readonly o: NotificationApiOptions) {}

  create(who: Principal, body: { url: string; description?: string }) {
    return this.forward(who, 'POST', '/webhook-endpoints', body);
  }

  list(who: Principal) {
    return this.forward(who, 'GET', '/webhook-endpoints');
  }

  disable(who: Principal, endpointId: string) {
    return this.forward(who, 'DELETE', `/webhook-endpoints/${encodeURIComponent(endpointId)}`);
  }

  deliveries(who: Principal, endpointId: string, limit: number) {
    return this.forward(who, 'GET', `/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=${limit}`);
  }

  redeliver(who: Principal, deliveryId: string) {
    return this.forward(who, 'POST', `/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`);
  }

  private async forward(
    who: Principal,
    method: string,
    path: string,
    body?: object,
  ): Promise<{ status: number; body: unknown }> {
    if (!who.scopes.has(Scopes.webhooksManage))
      throw new AppError('forbidden', `this API key lacks the scope ${Scopes.webhooksManage}`);
    const url = `${this.o.baseUrl}/internal/v1/order-systems/${encodeURIComponent(who.orderSystem)}${path}`;
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
