// Every proto package is importable as @ivr/contracts/<domain>/v1 (package.json `exports`), the only way
// into the generated code: a new proto package needs no new line in the map, a new version (v2) does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const protoPackages = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return protoPackages(join(dir, e.name));
    const m = e.name.endsWith('.proto') && /^package\s+([\w.]+);/m.exec(readFileSync(join(dir, e.name), 'utf8'));
    return m ? [m[1] as string] : [];
  });

describe('@ivr/contracts exports', () => {
  const packages = [...new Set(protoPackages(join(root, '../../proto')))];

  it('finds the proto packages', () => {
    expect(packages).toContain('ivr.vault.v1');
  });

  it.each(packages)('%s is imported as @ivr/contracts/<domain>/<version>', (pkg) => {
    const subpath = pkg.replace(/^ivr\./, '').replaceAll('.', '/');
    const resolved = require.resolve(`@ivr/contracts/${subpath}`);
    expect(resolved).toBe(join(root, `src/gen/index.${pkg}.ts`));
  });

  it('the generated files themselves are not reachable', () => {
    expect(() => require.resolve('@ivr/contracts/src/gen/ivr/vault/v1/vault')).toThrow();
  });
});
