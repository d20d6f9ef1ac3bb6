import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, type sendUnaryData, status } from '@grpc/grpc-js';
import { createClient, createGrpcServer, type GrpcServer, loadTls, type TlsMaterial } from '@ivr/grpc';
import { codeOf, EchoService, type Message, unary } from './support/echo-service';
import { checkHealth } from './support/health';

// Certificates from scripts/certs.sh (make up-infra); CN and DNS SAN = service name.
const certsDir = process.env.IVR_CERTS_DIR ?? join(__dirname, '..', '..', '..', '.var', 'certs');

/** A CA nobody trusts, and a certificate from it that claims to be order-link. */
function foreignCertificate(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-foreign-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '1', '-subj', '/CN=foreign-ca', '-keyout', 'ca.key', '-out', 'ca.crt');
  openssl('req', ...ec, '-subj', '/CN=order-link', '-keyout', 'order-link.key', '-out', 'order-link.csr');
  openssl(
    'x509',
    '-req',
    '-in',
    'order-link.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    'order-link.crt',
  );
  // Trust the real CA (so the server is accepted) but present the foreign client certificate.
  copyFileSync(join(certsDir, 'ca.crt'), join(dir, 'ca.crt'));
  return loadTls(dir, 'order-link');
}

describe('mutual TLS between services', () => {
  let server: GrpcServer;
  let address: string;
  const clients: Client[] = [];
  const client = (tls: TlsMaterial | undefined, serverName: string | undefined = 'dtmf-vault') => {
    const c = createClient(Client, address, { tls, deadlineMs: 10_000, serverName });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = createGrpcServer({ tls: loadTls(certsDir, 'dtmf-vault'), allowedClients: ['order-link'] });
    const echo = (call: { request: Message }, callback: sendUnaryData<Message>) => callback(null, call.request);
    server.addService(EchoService, { echo, fail: echo, hang: echo, count: () => {} });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.stop(1000);
  });

  it('serves an allowed client with a certificate from the CA', async () => {
    const orderLink = client(loadTls(certsDir, 'order-link'));
    expect(await unary(orderLink, EchoService.echo, { ok: true })).toEqual({ ok: true });
  });

  it('answers PERMISSION_DENIED to a valid certificate whose name is not allowed', async () => {
    const callControl = client(loadTls(certsDir, 'call-control'));
    const error = await unary(callControl, EchoService.echo, {}).catch((e: { code: number; details: string }) => e);
    expect(error).toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'client call-control may not call /test.Echo/Echo',
    });
    // Health is not behind the allow-list: any certificate from the CA may ask.
    expect(await checkHealth(callControl, '')).toBe('SERVING');
  });

  it('refuses a plaintext client', async () => {
    expect(await codeOf(unary(client(undefined), EchoService.echo, {}))).toBe(status.UNAVAILABLE);
  });

  it('refuses a TLS client without a certificate', async () => {
    const ca = loadTls(certsDir, 'order-link').ca;
    const bare = new Client(address, credentials.createSsl(ca), {
      'grpc.ssl_target_name_override': 'dtmf-vault',
    });
    clients.push(bare);
    expect(await codeOf(unary(bare, EchoService.echo, {}, { deadline: Date.now() + 10_000 }))).toBe(status.UNAVAILABLE);
  });

  it('refuses a client certificate from another CA, even with an allowed name', async () => {
    expect(await codeOf(unary(client(foreignCertificate()), EchoService.echo, {}))).toBe(status.UNAVAILABLE);
  });

  it('refuses a server that is not the one named', async () => {
    const wrongName = client(loadTls(certsDir, 'order-link'), 'authorization');
    expect(await codeOf(unary(wrongName, EchoService.echo, {}))).toBe(status.UNAVAILABLE);
  });
});

describe('loadTls', () => {
  it('names every missing file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ivr-no-certs-'));
    expect(() => loadTls(empty, 'notification')).toThrow(
      `TLS files for notification missing in ${empty}: ca.crt, notification.crt, notification.key (make them with scripts/certs.sh)`,
    );
  });
});
