export * from './envelope';
export * from './events';
export * from './events/authorization';
export * from './topics';
