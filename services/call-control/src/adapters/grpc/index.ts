export { GrpcAuthorization } from './authorization-port';
export { GrpcPayments } from './payments-port';
export { GrpcVault, type VaultTimeouts } from './vault-port';
