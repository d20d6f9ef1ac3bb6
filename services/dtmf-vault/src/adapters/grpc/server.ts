// The vault's gRPC server (@ivr/grpc): mutual TLS only, so a client without a certificate from our
// CA cannot even connect, and only the allowed identities (call-control) get past the handlers.
// grpc.health.v1 is served alongside.

import { credentials, ServerCredentials } from '@grpc/grpc-js';
import { VaultServiceService } from '@ivr/contracts/vault/v1';
import { createGrpcServer, loadTls, type TlsMaterial } from '@ivr/grpc';
import type { Logger } from '@ivr/logging';
import type { Vault } from '../../app/vault';
import { createVaultGrpcService } from './vault-grpc-service';

export interface VaultGrpcServerOptions {
  host: string;
  port: number;
  /** Folder with ca.crt and dtmf-vault.crt/.key (scripts/certs.sh), or the PEMs themselves. */
  tls: { certsDir: string } | { caPem: string; certPem: string; keyPem: string };
  allowedClients: readonly string[];
  logger?: Logger;
}

export async function startVaultGrpcServer(
  vault: Vault,
  options: VaultGrpcServerOptions,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = createGrpcServer({
    tls: 'certsDir' in options.tls ? loadTls(options.tls.certsDir, 'dtmf-vault') : tlsFromPems(options.tls),
    allowedClients: options.allowedClients,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  server.addService(VaultServiceService, createVaultGrpcService(vault, options.allowedClients));
  const port = await server.listen(`${options.host}:${options.port}`);
  return { port, stop: () => server.stop(5000) };
}

/** The vault's certificate for its server and for its own client calls (order-link's PspAccountService). */
export function vaultTls(tls: { certsDir: string } | { caPem: string; certPem: string; keyPem: string }): TlsMaterial {
  return 'certsDir' in tls ? loadTls(tls.certsDir, 'dtmf-vault') : tlsFromPems(tls);
}

/** The same material loadTls reads from files, from PEM strings (Kubernetes: the vault mounts no volume). */
function tlsFromPems(pems: { caPem: string; certPem: string; keyPem: string }): TlsMaterial {
  const ca = Buffer.from(pems.caPem);
  const cert = Buffer.from(pems.certPem);
  const key = Buffer.from(pems.keyPem);
  return {
    service: 'dtmf-vault',
    ca,
    cert,
    key,
    serverCredentials: ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true),
    clientCredentials: credentials.createSsl(ca, key, cert),
  };
}
