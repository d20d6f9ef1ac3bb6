// The project's closed vocabularies and shared card rules, each defined once (docs/conventions.md,
// "One vocabulary"). Nothing here imports Node modules: the operator console (a browser app) uses it too.
export * from './card-number-runs';
export * from './decline';
export * from './dialogue';
export * from './language';
export * from './lifecycle';
export * from './luhn';
export * from './payment';
export * from './prompts';
export * from './psp';
export * from './srtp';
