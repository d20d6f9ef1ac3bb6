// The vault's gRPC server (@ivr/grpc): mutual TLS only, so a client without a certificate from our
// CA cannot even connect, and only the allowed identities (call-control) get past the handlers.
// grpc.health.v1 is served alongside.

import { VaultServiceService } from '@ivr/contracts/src/gen/ivr/vault/v1/vault';
import { createGrpcServer, loadTls } from '@ivr/grpc';
import type { Logger } from '@ivr/logging';
import type { Vault } from '../../session/vault';
import { createVaultGrpcService } from './vault-grpc-service';

export interface VaultGrpcServerOptions {
  host: string;
  port: number;
  /** Folder with ca.crt and dtmf-vault.crt/.key (scripts/certs.sh). */
  certsDir: string;
  allowedClients: readonly string[];
  logger?: Logger;
}

export async function startVaultGrpcServer(
  vault: Vault,
  options: VaultGrpcServerOptions,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = createGrpcServer({
    tls: loadTls(options.certsDir, 'dtmf-vault'),
    allowedClients: options.allowedClients,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  server.addService(VaultServiceService, createVaultGrpcService(vault, options.allowedClients));
  const port = await server.listen(`${options.host}:${options.port}`);
  return { port, stop: () => server.stop(5000) };
}
