import { createServer, type RequestListener, type Server } from 'node:http';
import type { ServiceContext } from './run-service';

export interface ServeHttpOptions {
  /**
   * On stop, end the open connections at once (streams that never end by themselves: SSE). Otherwise
   * the server stops taking connections and the requests in progress finish first.
   */
  endOpenConnections?: boolean;
}

/**
 * A service's HTTP server (an express app or any `node:http` listener) on `port` of every address, as
 * `app.listen(port)` would, with its stop registered as `name`: resolves once it listens.
 */
export async function serveHttp(
  ctx: Pick<ServiceContext, 'onStop'>,
  name: string,
  handler: RequestListener,
  port: number,
  options: ServeHttpOptions = {},
): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ctx.onStop(
    name,
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if (options.endOpenConnections) server.closeAllConnections();
      }),
  );
  return server;
}
