export * from './envelope';
export * from './events/authorization';
export * from './topics';
