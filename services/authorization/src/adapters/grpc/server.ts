import { type AuthorizationServiceServer, AuthorizationServiceService } from '@ivr/contracts/authorization/v1';
import { createGrpcServer, type TlsMaterial } from '@ivr/grpc';
import type { Logger } from '@ivr/logging';

export interface RunningGrpcServer {
  port: number;
  stop(graceMs?: number): Promise<void>;
}

/**
 * The gRPC server: AuthorizationService (traced, error-guarded by @ivr/grpc) plus grpc.health.v1, over
 * mutual TLS only, answering only clients whose certificate names one of `allowedClients`.
 */
export async function startGrpcServer(
  address: string,
  implementation: AuthorizationServiceServer,
  options: { logger?: Logger; tls: TlsMaterial; allowedClients: readonly string[] },
): Promise<RunningGrpcServer> {
  const server = createGrpcServer({
    ...(options.logger ? { logger: options.logger } : {}),
    tls: options.tls,
    allowedClients: options.allowedClients,
  });
  server.addService(AuthorizationServiceService, implementation);
  const port = await server.listen(address);
  return { port, stop: (graceMs) => server.stop(graceMs) };
}
