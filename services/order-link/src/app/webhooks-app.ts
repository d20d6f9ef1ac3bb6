import { AppError } from './errors';
import { type ForwardedAnswer, type Principal, Scopes, type WebhookEndpoints } from './ports';

/**
 * Webhook endpoints are owned by notification (it signs and delivers); order systems manage them
 * through this API so that they use one base URL and one API key. The caller's order system is
 * resolved here and its scope checked; notification answers (adapters/http/notification-webhooks).
 */
export class WebhooksApp {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  async create(who: Principal, body: { url: string; description?: string }): Promise<ForwardedAnswer> {
    return this.endpoints.create(this.check(who), body);
  }

  async list(who: Principal): Promise<ForwardedAnswer> {
    return this.endpoints.list(this.check(who));
  }

  async disable(who: Principal, endpointId: string): Promise<ForwardedAnswer> {
    return this.endpoints.disable(this.check(who), endpointId);
  }

  async deliveries(who: Principal, endpointId: string, limit: number): Promise<ForwardedAnswer> {
    return this.endpoints.deliveries(this.check(who), endpointId, limit);
  }

  async redeliver(who: Principal, deliveryId: string): Promise<ForwardedAnswer> {
    return this.endpoints.redeliver(this.check(who), deliveryId);
  }

  /** The caller's order system, once its key may manage webhooks. */
  private check(who: Principal): string {
    if (!who.scopes.has(Scopes.webhooksManage))
      throw new AppError('forbidden', `this API key lacks the scope ${Scopes.webhooksManage}`);
    return who.orderSystem;
  }
}
