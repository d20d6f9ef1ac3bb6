import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from './describe-error';

/** A readiness check passes unless it returns false or throws. */
export type ReadinessCheck = () => Promise<boolean | undefined> | boolean | undefined;

export type Phase = 'starting' | 'ready' | 'draining';

export interface AdminState {
  phase(): Phase;
  checks(): ReadonlyMap<string, ReadinessCheck>;
  metrics(request: IncomingMessage, response: ServerResponse): void;
}

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  const result = (async () => {
    try {
      return (await check()) === false ? 'failing' : 'ok';
    } catch (error) {
      return `failing: ${describeError(error)}`;
    }
  })();
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

async function readiness(state: AdminState, response: ServerResponse): Promise<void> {
  const phase = state.phase();
  if (phase !== 'ready') return json(response, 503, { status: phase });
  const entries = [...state.checks()];
  const results = await Promise.all(entries.map(([, check]) => runCheck(check)));
  const checks = Object.fromEntries(entries.map(([name], i) => [name, results[i]]));
  const ready = results.every((r) => r === 'ok');
  json(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
}

/** node:http admin server: GET /healthz (alive), /readyz (ready to serve), /metrics (Prometheus text). */
export function createAdminServer(state: AdminState): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(response, 405, { error: 'GET only' });
    if (path === '/healthz') return json(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      readiness(state, response).catch(() => json(response, 500, { status: 'error' }));
      return;
    }
    if (path === '/metrics') return state.metrics(request, response);
    json(response, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
  });
}

export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
