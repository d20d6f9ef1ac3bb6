export { type CreateClientOptions, createClient, deadlineAndTraceInterceptor } from './client';
export { metadataGetter, metadataSetter } from './metadata-carrier';
export {
  type AddServiceOptions,
  createGrpcServer,
  type GrpcServer,
  type GrpcServerOptions,
  type ServingStatus,
} from './server';
export { GrpcStatusError, INTERNAL_DETAILS, statusError } from './status';
export { loadTls, peerIdentities, type TlsMaterial } from './tls';
