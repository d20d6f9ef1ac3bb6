// The layout's rules, checked over every source file and manifest of the repository:
// - nothing reaches into another workspace's src/: a workspace (package, service, tool) is used through
//   its package name and what its package.json `exports` (bench, tools, scripts and tests included);
// - services never depend on each other, and their code (src/) never imports another service;
// - @ivr/media (RTP, the key presses of a card field) is in no service's dependencies but dtmf-vault's;
// - @ivr/testkit is tests' and tools' only: no service depends on it in production or imports it in src/;
// - layers point one way: a service's use cases (src/app/) depend on ports, never on its adapters, nor
//   on a database, broker, socket or server library (those are adapters' business);
// - every service has the same rooms: src/main.ts, src/config.ts, src/app/, src/adapters/<kind>/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dependencyClosure, type SourceImport, sourceImports, workspaces } from '@ivr/testkit/dependencies';
import { ROOT } from '@ivr/testkit/root';

const all = workspaces();
const services = all.filter((w) => w.kind === 'services');
const vault = services.find((s) => s.name === '@ivr/dtmf-vault');
const show = (i: SourceImport) => `${i.file}:${i.line} imports ${i.specifier}`;
const inside = (dir: string, file: string) => !path.relative(dir, file).startsWith('..');
const workspaceOf = (file: string) => all.find((w) => inside(w.dir, path.resolve(ROOT, file)));
const serviceSrcOf = (file: string) => services.find((s) => inside(path.join(s.dir, 'src'), path.resolve(ROOT, file)));
const isPackage = (specifier: string, name: string) => specifier === name || specifier.startsWith(`${name}/`);

/** A relative import into the src/ of a workspace the file is not part of. */
const reachesIntoSrc = (i: SourceImport) => {
  const target = i.target && all.find((w) => inside(path.join(w.dir, 'src'), i.target as string));
  return target !== undefined && workspaceOf(i.file) !== target;
};
/** `@ivr/<name>/src...`: a path into a package instead of what it exports. */
const deepImport = (i: SourceImport) => all.some((w) => i.specifier.startsWith(`${w.name}/src`));
/** A service's src/ importing another service, by name or by path. */
const crossesServices = (i: SourceImport) => {
  const from = serviceSrcOf(i.file);
  return (
    from !== undefined &&
    services.some(
      (other) =>
        other !== from &&
        (isPackage(i.specifier, other.name) || (i.target !== undefined && inside(other.dir, i.target))),
    )
  );
};
const mediaOutsideVault = (i: SourceImport) => {
  const from = workspaceOf(i.file);
  return from?.kind === 'services' && from !== vault && isPackage(i.specifier, '@ivr/media');
};
const testkitInServiceSrc = (i: SourceImport) =>
  isPackage(i.specifier, '@ivr/testkit') && serviceSrcOf(i.file) !== undefined;

/** A use-case module (a service's src/app/) importing one of the service's adapters (src/adapters/). */
const appImportsAdapter = (i: SourceImport) => {
  const from = serviceSrcOf(i.file);
  if (!from || !inside(path.join(from.dir, 'src', 'app'), path.resolve(ROOT, i.file))) return false;
  return i.target !== undefined && inside(path.join(from.dir, 'src', 'adapters'), i.target);
};

/** Libraries that do I/O: a use case reaches a database, broker, socket or server only through a port. */
const IO_LIBRARIES = ['pg', 'kafkajs', 'dgram', 'net', 'tls', 'http', 'https', 'http2', '@grpc/grpc-js', 'express'];
const appImportsIo = (i: SourceImport) => {
  const from = serviceSrcOf(i.file);
  if (!from || !inside(path.join(from.dir, 'src', 'app'), path.resolve(ROOT, i.file))) return false;
  const name = i.specifier.replace(/^node:/, '');
  return IO_LIBRARIES.some((lib) => isPackage(name, lib));
};

/** What a service's src/ lacks of the common layout, and files lying loose in src/adapters/ (not in a <kind>/). */
const layoutProblems = (serviceDir: string): string[] => {
  const src = path.join(serviceDir, 'src');
  const missing = ['main.ts', 'config.ts', 'app', 'adapters'].filter((n) => !existsSync(path.join(src, n)));
  const loose = existsSync(path.join(src, 'adapters'))
    ? readdirSync(path.join(src, 'adapters'), { withFileTypes: true })
        .filter((e) => !e.isDirectory())
        .map((e) => `adapters/${e.name} (not in adapters/<kind>/)`)
    : [];
  return [...missing.map((n) => `no ${n}`), ...loose].map((p) => `${path.relative(ROOT, src)}: ${p}`);
};

describe('dependency rules', () => {
  const imports = sourceImports();

  it('reads the whole repository', () => {
    expect(services.map((s) => s.name)).toEqual(expect.arrayContaining(['@ivr/dtmf-vault', '@ivr/call-control']));
    expect(imports.some((i) => i.file.startsWith('bench/') && i.specifier === '@ivr/media')).toBe(true);
    expect(imports.some((i) => i.file.startsWith('services/call-control/src/') && i.specifier === '@ivr/sip')).toBe(
      true,
    );
  });

  it('would notice each kind of breach (the checks themselves work)', () => {
    const at = (file: string, specifier: string): SourceImport => ({
      file,
      line: 1,
      specifier,
      ...(specifier.startsWith('.') ? { target: path.resolve(ROOT, path.dirname(file), specifier) } : {}),
    });
    expect(reachesIntoSrc(at('bench/vault.ts', '../services/dtmf-vault/src/app/vault'))).toBe(true);
    expect(reachesIntoSrc(at('services/dtmf-vault/src/main.ts', './app/vault'))).toBe(false);
    expect(deepImport(at('tools/fuzz/src/parsers.ts', '@ivr/sip/src/parser'))).toBe(true);
    expect(crossesServices(at('services/call-control/src/main.ts', '@ivr/order-link/api-keys'))).toBe(true);
    expect(crossesServices(at('services/call-control/src/main.ts', '../../dtmf-vault/src/wiring'))).toBe(true);
    expect(mediaOutsideVault(at('services/call-control/src/main.ts', '@ivr/media'))).toBe(true);
    expect(mediaOutsideVault(at('services/dtmf-vault/src/wiring.ts', '@ivr/media'))).toBe(false);
    expect(testkitInServiceSrc(at('services/order-link/src/main.ts', '@ivr/testkit/ports'))).toBe(true);
    expect(testkitInServiceSrc(at('services/order-link/test/a.int.test.ts', '@ivr/testkit/ports'))).toBe(false);
    expect(appImportsAdapter(at('services/order-link/src/app/payments-app.ts', '../adapters/pg/payment-store'))).toBe(
      true,
    );
    expect(appImportsAdapter(at('services/order-link/src/app/payments-app.ts', './ports'))).toBe(false);
    expect(appImportsAdapter(at('services/order-link/src/wiring.ts', './adapters/pg/payment-store'))).toBe(false);
    expect(appImportsIo(at('services/dtmf-vault/src/app/media-session.ts', 'node:dgram'))).toBe(true);
    expect(appImportsIo(at('services/order-link/src/app/payments-app.ts', 'pg'))).toBe(true);
    expect(appImportsIo(at('services/order-link/src/app/payments-app.ts', 'pg-protocol'))).toBe(false);
    expect(appImportsIo(at('services/dtmf-vault/src/adapters/grpc/server.ts', '@grpc/grpc-js'))).toBe(false);
    expect(layoutProblems(path.join(ROOT, 'tools', 'k8s'))).toContain('tools/k8s/src: no main.ts');
  });

  it('no file outside a workspace reaches into its src/ by a relative path', () => {
    expect(imports.filter(reachesIntoSrc).map(show)).toEqual([]);
  });

  it('no file imports a path into a package (only what its exports offer)', () => {
    expect(imports.filter(deepImport).map(show)).toEqual([]);
  });

  it("a service's code never imports another service", () => {
    expect(imports.filter(crossesServices).map(show)).toEqual([]);
  });

  it('services never depend on each other', () => {
    const names = services.map((s) => s.name);
    const depending = services.flatMap((s) =>
      Object.keys({ ...s.manifest.dependencies, ...s.manifest.devDependencies })
        .filter((d) => names.includes(d))
        .map((d) => `${s.name} -> ${d}`),
    );
    expect(depending).toEqual([]);
  });

  it('only dtmf-vault, of the services, depends on @ivr/media or imports it', () => {
    const withMedia = services.filter((s) => dependencyClosure(s.dir).has('@ivr/media')).map((s) => s.name);
    expect(withMedia).toEqual(['@ivr/dtmf-vault']);
    expect(imports.filter(mediaOutsideVault).map(show)).toEqual([]);
  });

  it('@ivr/testkit is never a production dependency of a service nor imported by its src/', () => {
    const depending = services.filter((s) => dependencyClosure(s.dir).has('@ivr/testkit')).map((s) => s.name);
    expect(depending).toEqual([]);
    expect(imports.filter(testkitInServiceSrc).map(show)).toEqual([]);
  });

  it("a service's use cases (src/app/) import its adapters through ports only: main.ts and wiring.ts wire them", () => {
    expect(imports.filter(appImportsAdapter).map(show)).toEqual([]);
  });

  it("a service's use cases (src/app/) import no database, broker, socket or server library", () => {
    expect(imports.filter(appImportsIo).map(show)).toEqual([]);
  });

  it('every service has src/main.ts, src/config.ts, src/app/ and its adapters by kind in src/adapters/<kind>/', () => {
    expect(services.length).toBeGreaterThanOrEqual(5);
    expect(services.flatMap((s) => layoutProblems(s.dir))).toEqual([]);
  });
});
