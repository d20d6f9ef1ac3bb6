export { GrpcAuthorization } from './authorization-port';
export { GrpcPayments } from './payments-port';
export { GrpcVault, type MediaOffer, type OpenedMedia, type VaultTimeouts } from './vault-port';
