export * from './envelope';
export * from './events';
export * from './language-proto';
export * from './operator-token';
export * from './topics';
export * from './vocabulary';
