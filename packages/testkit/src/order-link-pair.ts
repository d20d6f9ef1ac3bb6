/**
 * order-link and notification as processes on free ports, order-link pointed at notification's internal
 * API: the pair the order-system and console end-to-end tests run (PaymentSystem runs all five).
 */
import { freePort } from './ports';
import { ServiceProcess } from './service-process';

export interface OrderLinkPair {
  orderLink: ServiceProcess;
  notification: ServiceProcess;
  /** order-link's HTTP port, and its base URL (`http://127.0.0.1:<port>`). */
  httpPort: number;
  api: string;
  /** notification's base URL (`/v1/live` is the operators' stream). */
  notificationUrl: string;
}

/** Starts notification, then order-link; `env` is each one's own on top of its dev.env and the ports. */
export async function startOrderLinkPair(
  env: { notification?: Record<string, string>; orderLink?: Record<string, string> } = {},
): Promise<OrderLinkPair> {
  const notificationPort = await freePort();
  const notification = await ServiceProcess.start('notification', {
    env: { HTTP_PORT: String(notificationPort), ...env.notification },
  });
  const notificationUrl = `http://127.0.0.1:${notificationPort}`;
  const httpPort = await freePort();
  const orderLink = await ServiceProcess.start('order-link', {
    env: {
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(await freePort()),
      NOTIFICATION_URL: notificationUrl,
      ...env.orderLink,
    },
  });
  return { orderLink, notification, httpPort, api: `http://127.0.0.1:${httpPort}`, notificationUrl };
}
