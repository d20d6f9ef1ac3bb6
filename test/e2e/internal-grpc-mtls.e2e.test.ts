/**
 * Every internal gRPC server demands mutual TLS and admits only its listed clients
 * (docs/security-audit.md, item 9), as the vault does (services/dtmf-vault/test/vault-grpc.int.test.ts):
 * authorization and order-link run as real processes (their built bundles and dev.env, `make build`),
 * and clients knock with no certificate, a certificate of another CA, and a certificate of our CA that
 * is not on the list.
 */
import { type ChannelCredentials, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { AuthorizationServiceClient } from '@ivr/contracts/authorization/v1';
import { PaymentServiceClient, TransferCodeServiceClient } from '@ivr/contracts/orderlink/v1';
import { certsDir, clientCredentials, foreignCertificateDir } from '@ivr/testkit/certificates';
import { startGroupsAtEnd } from '@ivr/testkit/kafka-groups';
import { freePort } from '@ivr/testkit/ports';
import { ServiceProcess } from '@ivr/testkit/service-process';
import { Kafka, logLevel } from 'kafkajs';

jest.setTimeout(60_000);

type Unary<Req> = (req: Req, md: Metadata, cb: (err: ServiceError | null) => void) => unknown;
/** The status code of one call (0 = OK). */
const codeOf = <Req>(client: { close(): void }, method: Unary<Req>, request: Req): Promise<number> =>
  new Promise((resolve) => {
    const md = new Metadata();
    md.set('authorization', 'Bearer olk_unknown.key');
    method.call(client, request, md, (err) => {
      client.close();
      resolve(err ? err.code : status.OK);
    });
  });

describe('internal gRPC servers: mutual TLS and client allow-lists', () => {
  const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  let authorization: ServiceProcess;
  let orderLink: ServiceProcess;
  let authorizationAddress: string;
  let orderLinkAddress: string;
  let foreign: string;

  beforeAll(async () => {
    foreign = foreignCertificateDir('call-control');
    const [authorizationPort, orderLinkPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    const group = `order-link-pm-mtls-${run}`;
    const kafka = new Kafka({
      clientId: `mtls-${run}`,
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    await startGroupsAtEnd(kafka, [group]);
    // Settled one by one, so that a service that did start is stopped by afterAll when the other did not.
    const started = await Promise.allSettled([
      ServiceProcess.start('authorization', {
        env: { GRPC_PORT: String(authorizationPort), OUTBOX_RELAY_ENABLED: 'false' },
      }),
      ServiceProcess.start('order-link', {
        env: {
          GRPC_PORT: String(orderLinkPort),
          HTTP_PORT: String(httpPort),
          OUTBOX_RELAY_ENABLED: 'false',
          PROCESS_MANAGER_GROUP: group,
        },
      }),
    ]);
    if (started[0].status === 'fulfilled') authorization = started[0].value;
    if (started[1].status === 'fulfilled') orderLink = started[1].value;
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    authorizationAddress = `127.0.0.1:${authorizationPort}`;
    orderLinkAddress = `127.0.0.1:${orderLinkPort}`;
  });
  afterAll(async () => {
    await authorization?.stop();
    await orderLink?.stop();
  });

  const authorize = (creds: ChannelCredentials) => {
    const client = new AuthorizationServiceClient(authorizationAddress, creds);
    return codeOf(client, client.getAuthorization, { paymentId: 'pay_mtls_unknown' });
  };
  const resolveCode = (creds: ChannelCredentials) => {
    const client = new TransferCodeServiceClient(orderLinkAddress, creds);
    return codeOf(client, client.resolveTransferCode, { transferCode: '000000' });
  };
  const getPayment = (creds: ChannelCredentials) => {
    const client = new PaymentServiceClient(orderLinkAddress, creds);
    return codeOf(client, client.getPayment, { paymentId: `pay_${'0'.repeat(26)}` });
  };

  it('authorization answers call-control only', async () => {
    expect(await authorize(clientCredentials('call-control'))).toBe(status.NOT_FOUND); // reached the handler
    expect(await authorize(credentials.createInsecure())).toBe(status.UNAVAILABLE);
    expect(await authorize(clientCredentials('call-control', foreign))).toBe(status.UNAVAILABLE);
    expect(await authorize(clientCredentials('order-link'))).toBe(status.PERMISSION_DENIED);
  });

  it("order-link's transfer codes answer call-control only, and its payment API no client without a certificate", async () => {
    expect(await resolveCode(clientCredentials('call-control'))).toBe(status.NOT_FOUND);
    expect(await resolveCode(credentials.createInsecure())).toBe(status.UNAVAILABLE);
    expect(await resolveCode(clientCredentials('call-control', foreign))).toBe(status.UNAVAILABLE);
    expect(await resolveCode(clientCredentials('notification'))).toBe(status.PERMISSION_DENIED);
    expect(await getPayment(credentials.createInsecure())).toBe(status.UNAVAILABLE);
    // No order system is listed in dev.env (GRPC_ORDER_SYSTEM_CLIENTS): internal certificates are not order systems.
    expect(await getPayment(clientCredentials('call-control'))).toBe(status.PERMISSION_DENIED);
  });

  it('the certificates are the ones of scripts/certs.sh', () => {
    expect(certsDir()).toBeTruthy();
  });
});
