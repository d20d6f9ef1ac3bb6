// Three tiers, selected with --selectProjects: unit (pure, no I/O), int (real Kafka/PostgreSQL/UDP),
// e2e (whole services on real infrastructure). make test runs them in that order.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
const fs = require('node:fs');
const roots = ['packages', 'services', 'tools', 'test']
  .filter((d) => fs.existsSync(`${__dirname}/${d}`))
  .map((d) => `<rootDir>/${d}`);
const tier = (name) => ({
  displayName: name,
  roots,
  transform,
  testEnvironment: 'node',
  testMatch: [`**/*.${name}.test.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-timeouts.js'],
});
module.exports = {
  projects: [tier('unit'), tier('int'), tier('e2e')],
};
