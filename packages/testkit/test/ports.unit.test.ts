import net from 'node:net';
import { freePort } from '../src/ports';

const listen = (port: number) =>
  new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

// 300 ports drawn from ~28,000 ephemeral ones collide about 1.6 times on average without the memory.
test('never hands out the same port twice, even after it was given back', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 300; i++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(ports.length);
});

test('a span of two is two free consecutive ports (baresip listens on SIP and SIP + 1)', async () => {
  const port = await freePort(2);
  const servers = [await listen(port), await listen(port + 1)];
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});
