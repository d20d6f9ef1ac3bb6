// The vault's gRPC server: mutual TLS only (a client without a certificate from our CA cannot even
// connect), and the certificate's common name must be an allowed client (call-control).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { VaultServiceService } from '@ivr/contracts/src/gen/ivr/vault/v1/vault';
import type { Vault } from '../../session/vault';
import { createVaultGrpcService } from './vault-grpc-service';

export interface VaultGrpcServerOptions {
  host: string;
  port: number;
  /** Folder with ca.crt and dtmf-vault.crt/.key (scripts/certs.sh). */
  certsDir: string;
  allowedClients: readonly string[];
}

export async function startVaultGrpcServer(
  vault: Vault,
  options: VaultGrpcServerOptions,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const read = (file: string) => readFileSync(path.join(options.certsDir, file));
  const credentials = ServerCredentials.createSsl(
    read('ca.crt'),
    [{ cert_chain: read('dtmf-vault.crt'), private_key: read('dtmf-vault.key') }],
    true, // require and verify a client certificate
  );
  const server = new Server();
  server.addService(VaultServiceService, createVaultGrpcService(vault, options.allowedClients));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, credentials, (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
