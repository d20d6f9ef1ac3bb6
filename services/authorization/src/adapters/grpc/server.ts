import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { AuthorizationServiceServer } from '@ivr/contracts/src/gen/ivr/authorization/v1/authorization';
import { AuthorizationServiceService } from '@ivr/contracts/src/gen/ivr/authorization/v1/authorization';
import { HealthImplementation } from 'grpc-health-check';

export interface RunningGrpcServer {
  port: number;
  stop(graceMs?: number): Promise<void>;
}

/** The gRPC server: AuthorizationService plus grpc.health.v1. */
export function startGrpcServer(
  address: string,
  implementation: AuthorizationServiceServer,
): Promise<RunningGrpcServer> {
  const server = new Server();
  const health = new HealthImplementation({
    '': 'NOT_SERVING',
    'ivr.authorization.v1.AuthorizationService': 'NOT_SERVING',
  });
  health.addToServer(server);
  server.addService(AuthorizationServiceService, implementation);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) return reject(new Error(`gRPC server cannot listen on ${address}: ${error.message}`));
      health.setStatus('', 'SERVING');
      health.setStatus('ivr.authorization.v1.AuthorizationService', 'SERVING');
      resolve({
        port,
        stop: (graceMs = 5000) => {
          health.setStatus('', 'NOT_SERVING');
          return new Promise<void>((done) => {
            const force = setTimeout(() => {
              server.forceShutdown();
              done();
            }, graceMs);
            server.tryShutdown(() => {
              clearTimeout(force);
              done();
            });
          });
        },
      });
    });
  });
}
