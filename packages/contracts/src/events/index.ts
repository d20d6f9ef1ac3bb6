export * from './authorizations';
export * from './calls';
export * from './card';
export * from './payment-completed';
export * from './payment-lifecycle';
export * from './payments';
