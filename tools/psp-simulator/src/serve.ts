import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ServedSimulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (https:// when served over TLS). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A server certificate and key (PEM) to answer over HTTPS, as a real PSP does. */
export interface SimulatorTls {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Listens with a simulator's app (port 0 picks a free one); shared with the GMO-PG simulator. */
export async function serveSimulator(
  app: Express,
  port = 0,
  host = '127.0.0.1',
  tls?: SimulatorTls,
): Promise<ServedSimulator> {
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    if (tls) {
      const s = createServer({ cert: tls.cert, key: tls.key }, app);
      s.once('error', reject);
      s.listen(port, host, () => resolve(s));
      return;
    }
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Held "timeout" answers and keep-alive sockets would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}
