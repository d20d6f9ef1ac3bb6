import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP webhook receiver; `behave` decides each answer (a status, or 'hang' to never answer). */
export class Receiver {
  readonly received: { body: string; signature: string | undefined }[] = [];
  private server!: Server;
  url = '';
  constructor(private readonly behave: (n: number) => number | 'hang') {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const n = this.received.push({ body, signature: req.headers['ivr-signature'] as string | undefined });
        const answer = this.behave(n);
        if (answer === 'hang') return; // never answers: the sender must time out
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  ids(): string[] {
    return this.received.map((x) => (JSON.parse(x.body) as { id: string }).id);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
