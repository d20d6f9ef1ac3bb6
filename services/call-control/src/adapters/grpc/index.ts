export { GrpcAuthorization } from './authorization-port';
export { GrpcBridge } from './bridge-port';
export { GrpcPayments } from './payments-port';
export { GrpcVault, type VaultTimeouts } from './vault-port';
export { VaultReplicas } from './vault-replicas';
