// One Node.js everywhere: .node-version is the version development, CI and the images run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDockerfile } from '../src/dockerfile-lint';

const ROOT = join(__dirname, '../../..');
const pinned = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
const major = Number(pinned.split('.')[0]);

describe('the Node.js version', () => {
  it('is named by engines in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${pinned} <${major + 1}`);
  });

  it("is the images' base", () => {
    const dockerfiles = readdirSync(join(ROOT, 'services')).map((s) => join(ROOT, 'services', s, 'Dockerfile'));
    const named = dockerfiles.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^ARG NODE_IMAGE=node:(\S+?)-/gm)].map((m) => m[1]),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([pinned]));
    for (const f of dockerfiles) expect(lintDockerfile(readFileSync(f, 'utf8'), { nodeVersion: pinned })).toEqual([]);
  });

  it('runs these tests (make puts the pinned Node first on PATH; see scripts/node.sh)', () => {
    expect(process.versions.node.split('.')[0]).toBe(String(major));
  });
});
