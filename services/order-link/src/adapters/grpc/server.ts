import { PspAccountServiceService, TransferCodeServiceService } from '@ivr/contracts/orderlink/v1';
import { createGrpcServer, type TlsMaterial } from '@ivr/grpc';
import type { Logger } from '@ivr/logging';
import type { OperationsApp } from '../../app/operations-app';
import type { PaymentsApp } from '../../app/payments-app';
import type { PspAccountsApp } from '../../app/psp-accounts-app';
import type { ApiKeyRepository } from '../pg/api-keys';
import { paymentServiceDefinition } from './removed-fields';
import { paymentService, pspAccountService, transferCodeService } from './services';

export interface OrderLinkGrpcOptions {
  /** Mutual TLS, always: the server's certificate, and client certificates of the same CA required. */
  tls: TlsMaterial;
  /** Certificate identities that may resolve transfer codes (call-control). */
  transferCodeClients: readonly string[];
  /** Certificate identities of order systems that may use PaymentService (their API key is checked too). */
  orderSystemClients: readonly string[];
  /** Certificate identities that may read PSP credentials (authorization, dtmf-vault), and those given the site only. */
  pspAccountClients: readonly string[];
  pspSiteOnlyClients: readonly string[];
  logger?: Logger;
}

export interface RunningGrpcServer {
  port: number;
  stop(graceMs?: number): Promise<void>;
}

/**
 * order-link's gRPC server: PaymentService for order systems, TransferCodeService for call-control and
 * PspAccountService for authorization and the vault,
 * plus grpc.health.v1, over mutual TLS only, each service answering only its listed client identities.
 */
export async function startGrpcServer(
  address: string,
  apps: { payments: PaymentsApp; operations: OperationsApp; keys: ApiKeyRepository; pspAccounts: PspAccountsApp },
  o: OrderLinkGrpcOptions,
): Promise<RunningGrpcServer> {
  const server = createGrpcServer({ tls: o.tls, ...(o.logger ? { logger: o.logger } : {}) });
  server.addService(paymentServiceDefinition, paymentService(apps.payments, apps.operations, apps.keys), {
    allowedClients: o.orderSystemClients,
  });
  server.addService(TransferCodeServiceService, transferCodeService(apps.payments), {
    allowedClients: o.transferCodeClients,
  });
  server.addService(PspAccountServiceService, pspAccountService(apps.pspAccounts, o.pspSiteOnlyClients), {
    allowedClients: o.pspAccountClients,
  });
  const port = await server.listen(address);
  return { port, stop: (graceMs) => server.stop(graceMs) };
}
