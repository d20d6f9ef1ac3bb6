import {
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { createLogger, type Logger } from '@ivr/logging';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { TlsMaterial } from './tls';
import { wrapHandler } from './wrap-handler';

export type { ServingStatus } from 'grpc-health-check';

export interface GrpcServerOptions {
  /** Mutual TLS (client certificate required). Without it the server is plaintext (local development only). */
  tls?: TlsMaterial;
  /** Client certificate identities (CN or DNS SAN) allowed to call the services added; needs `tls`. */
  allowedClients?: readonly string[];
  logger?: Logger;
  serverOptions?: ServerOptions;
}

export interface AddServiceOptions {
  /** Overrides the server's allowedClients for this service. */
  allowedClients?: readonly string[];
}

export interface GrpcServer {
  readonly server: Server;
  readonly health: HealthImplementation;
  /** Registers a service with every handler traced, checked and error-guarded; reported SERVING. */
  addService<I extends UntypedServiceImplementation>(
    definition: ServiceDefinition<I>,
    implementation: I,
    options?: AddServiceOptions,
  ): void;
  /** grpc.health.v1 status of one service ('' is the whole server). */
  setStatus(service: string, status: ServingStatus): void;
  /** Binds, e.g. '0.0.0.0:50053' or '127.0.0.1:0'; resolves to the bound port. */
  listen(address: string): Promise<number>;
  /** Reports NOT_SERVING, lets calls in flight finish for up to graceMs, then cuts the rest. */
  stop(graceMs?: number): Promise<void>;
}

function serviceNameOf(definition: ServiceDefinition): string | undefined {
  const first = Object.values(definition)[0] as MethodDefinition<unknown, unknown> | undefined;
  return first?.path.split('/')[1];
}

/** A grpc-js server that always serves grpc.health.v1 and guards every handler it is given. */
export function createGrpcServer(options: GrpcServerOptions = {}): GrpcServer {
  if (options.allowedClients && !options.tls) {
    throw new Error('createGrpcServer: allowedClients needs tls (client identities come from certificates)');
  }
  const logger = options.logger ?? createLogger({ service: options.tls?.service ?? 'grpc' });
  const server = new Server(options.serverOptions);
  const health = new HealthImplementation({ '': 'NOT_SERVING' });
  health.addToServer(server);
  const services: string[] = [];

  return {
    server,
    health,
    addService(definition, implementation, serviceOptions) {
      const allowedClients = serviceOptions?.allowedClients ?? options.allowedClients;
      if (allowedClients && !options.tls) throw new Error('addService: allowedClients needs tls');
      const wrapped: UntypedServiceImplementation = {};
      for (const [name, method] of Object.entries(definition) as [string, MethodDefinition<unknown, unknown>][]) {
        const handler = implementation[name] ?? (method.originalName ? implementation[method.originalName] : undefined);
        if (!handler) throw new Error(`addService: no handler for ${method.path}`);
        wrapped[name] = wrapHandler(method, handler, { allowedClients, logger });
      }
      server.addService(definition, wrapped);
      const serviceName = serviceNameOf(definition);
      if (serviceName) {
        services.push(serviceName);
        health.setStatus(serviceName, 'SERVING');
      }
    },
    setStatus: (service, status) => health.setStatus(service, status),
    listen(address) {
      return new Promise((resolve, reject) => {
        const credentials = options.tls?.serverCredentials ?? ServerCredentials.createInsecure();
        server.bindAsync(address, credentials, (error, port) => {
          if (error) return reject(new Error(`gRPC server cannot listen on ${address}: ${error.message}`));
          health.setStatus('', 'SERVING');
          logger.info({ grpc_port: port }, `gRPC listening on ${address.replace(/:\d+$/, `:${port}`)}`);
          resolve(port);
        });
      });
    },
    stop(graceMs = 5000) {
      health.setStatus('', 'NOT_SERVING');
      for (const service of services) health.setStatus(service, 'NOT_SERVING');
      return new Promise((resolve) => {
        const force = setTimeout(() => {
          logger.warn(`gRPC calls still running after ${graceMs} ms; cancelling them`);
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
