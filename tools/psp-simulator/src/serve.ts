import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface ServedSimulator {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens with a simulator's app (port 0 picks a free one); shared with the GMO-PG simulator. */
export async function serveSimulator(app: Express, port = 0, host = '127.0.0.1'): Promise<ServedSimulator> {
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Held "timeout" answers and keep-alive sockets would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}
